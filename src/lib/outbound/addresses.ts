// Which IP addresses an outbound request must never reach: loopback, private, link-local,
// carrier-grade NAT, multicast, reserved and documentation ranges, and their IPv6 equivalents
// (including IPv4 embedded in IPv6: mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96 and 6to4 2002::/16).
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const V4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const) {
  V4.addSubnet(net, bits, 'ipv4');
}

const V6 = new BlockList();
for (const [net, bits] of [
  ['::', 96], // ::, ::1 and the deprecated IPv4-compatible range
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments, Teredo (2001::/32) included
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  V6.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, an embedded dotted quad folded in). */
function groupsOf(ip: string): number[] {
  const folded = ip.split('%')[0]!.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, tail] = folded.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** True when `ip` (an IPv4 or IPv6 literal) is not a public unicast address. Unparseable counts as blocked. */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return V4.check(bare, 'ipv4');
  if (!isIPv6(bare.split('%')[0]!)) return true;
  const g = groupsOf(bare);
  if (g.length !== 8) return true;
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judged by the IPv4 address inside.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return V4.check(v4Of(g[6]!, g[7]!), 'ipv4');
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return V4.check(v4Of(g[6]!, g[7]!), 'ipv4');
  if (g[0] === 0x2002) return V4.check(v4Of(g[1]!, g[2]!), 'ipv4'); // 6to4
  return V6.check(g.map((x) => x.toString(16)).join(':'), 'ipv6');
}
