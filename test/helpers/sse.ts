// Reads a Server-Sent Events response as text until a pattern shows up, for tests of live streams.

/**
 * Wraps a streaming response: `until(pattern, ms)` reads until the text so far matches or `ms`
 * pass. One read stays in flight across calls: a read abandoned when the timeout won the race would
 * take its chunk with it (an event was lost that way under load).
 */
export function sseText(res: Response): { text: () => string; until(pattern: RegExp, ms: number): Promise<boolean> } {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let pending: ReturnType<typeof reader.read> | null = null;
  return {
    text: () => text,
    async until(pattern, ms) {
      const stop = Date.now() + ms;
      while (!pattern.test(text) && Date.now() < stop) {
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
        if (chunk === null) continue;
        pending = null;
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      return pattern.test(text);
    },
  };
}
