// Character encodings of uploaded CSV files: detection from the first bytes, and strict decoding
// (a byte that does not decode is an error, never a silent U+FFFD in a contact's name).
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { AppError } from '../../lib/errors.js';

/** The encodings an import accepts. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** How many leading bytes encoding detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

const SAVE_AS = 'save it from your spreadsheet as "CSV UTF-8" and import it again';

function unsupported(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('IMPORT_ENCODING_UNSUPPORTED', `${message}; ${SAVE_AS}`, details);
}

/** True when `sample` is valid UTF-8, allowing one multi-byte character cut off at its end. */
function looksUtf8(sample: Buffer, complete: boolean): boolean {
  if (isUtf8(sample)) return true;
  if (complete) return false;
  for (let cut = 1; cut <= 3 && cut < sample.length; cut++) if (isUtf8(sample.subarray(0, sample.length - cut))) return true;
  return false;
}

/**
 * Detects the encoding from the first bytes: a byte-order mark (UTF-8, UTF-16 LE/BE), else UTF-8
 * when the bytes are valid UTF-8, else Windows-1252 (what Excel on Windows writes as "CSV").
 * NUL bytes outside UTF-16, or many control bytes, mean a binary file (xlsx, zip, pdf): rejected.
 * `complete` says the sample is the whole file (no character can be cut off at its end).
 */
export function detectEncoding(sample: Buffer, complete: boolean): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8-bom';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  if (sample.includes(0)) {
    throw unsupported('the file contains NUL bytes, so it is binary (an .xlsx or .zip?) or UTF-16 without a byte-order mark', { encoding: 'binary' });
  }
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  if (control > Math.max(8, sample.length / 100)) throw unsupported('the file has many control bytes, so it is not a text CSV', { encoding: 'binary' });
  return looksUtf8(sample, complete) ? 'utf-8' : 'windows-1252';
}

/** A streaming decoder: bytes in, text out; throws IMPORT_ENCODING_UNSUPPORTED on undecodable input. */
export interface TextDecoderStream {
  write(bytes: Buffer): string;
  end(): string;
}

/** A strict streaming decoder for `encoding` (byte-order marks are dropped). */
export function createDecoder(encoding: CsvEncoding): TextDecoderStream {
  let offset = 0;
  const check = (text: string): string => {
    // Windows-1252 leaves five bytes undefined (iconv-lite gives U+FFFD): the file is in another
    // code page, and guessing would store wrong letters. NUL never belongs in a CSV.
    if (encoding === 'windows-1252' && text.includes('\uFFFD')) {
      throw unsupported(`byte ${offset} is not a Windows-1252 character, so the file uses another encoding`, { encoding });
    }
    if (text.includes('\u0000')) throw unsupported(`the file contains a NUL character near byte ${offset}, so it is not a text CSV`, { encoding });
    return text;
  };
  if (encoding === 'windows-1252') {
    const dec = iconv.getDecoder('windows-1252');
    return {
      write: (b) => {
        const t = check(dec.write(b));
        offset += b.length;
        return t;
      },
      end: () => check(dec.end() ?? ''),
    };
  }
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const dec = new TextDecoder(label, { fatal: true });
  const decode = (b: Buffer | undefined, stream: boolean): string => {
    try {
      return check(dec.decode(b, { stream }));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw unsupported(`the file is not valid ${label.toUpperCase()} near byte ${offset} (mixed encodings?)`, { encoding });
    }
  };
  return {
    write: (b) => {
      const t = decode(b, true);
      offset += b.length;
      return t;
    },
    end: () => decode(undefined, false),
  };
}
