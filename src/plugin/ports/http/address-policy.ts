/**
 * Which IP addresses a tool's HTTP port must never reach on its own: anything that is not the public
 * internet (loopback, private LANs, link-local cloud metadata at 169.254.169.254, CGNAT,
 * multicast, unspecified, reserved, documentation ranges), including the IPv6 spellings that
 * smuggle an IPv4 address inside. Parsing is done here rather than by string prefixes because
 * `[::ffff:7f00:1]`, `0:0::1` and `127.1` are all the same machine and a prefix check misses
 * most of them.
 *
 * IPv6 forms that embed an IPv4 address are judged by that address: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
 * well-known NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`, address in bits 16–47) — so a
 * public embedded address stays reachable (DNS64 networks need NAT64) and a private one is
 * refused. Refused outright, because the embedded address cannot be trusted or found: Teredo
 * (`2001::/32`: the client address is obfuscated and the relay chooses the path) and the rest
 * of `2001::/23` (IETF protocol assignments), local-use NAT64 (`64:ff9b:1::/48`: the operator
 * chooses where the address sits) and the rest of `64:ff9b::/32`, the discard prefix
 * `100::/64`, and the documentation prefixes `2001:db8::/32` and `3fff::/20`.
 */
import { isIPv4, isIPv6 } from "node:net";

type Ipv4Range = readonly [base: string, prefixLength: number, reason: string];

const blockedIpv4Ranges: readonly Ipv4Range[] = [
  ["0.0.0.0", 8, "an unspecified (this-network) address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT (shared) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "a reserved (IETF protocol) address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a reserved (6to4 relay) address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a reserved (benchmarking) address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
}

function classifyIpv4(value: number): string | null {
  for (const [base, prefixLength, reason] of blockedIpv4Ranges) {
    const size = 2 ** (32 - prefixLength);
    const start = ipv4ToNumber(base);
    if (value >= start && value < start + size) return reason;
  }
  return null;
}

/** Eight 16-bit groups; accepts `::` compression, a dotted IPv4 tail and a `%zone` suffix. */
function parseIpv6(address: string): number[] {
  let text = address.split("%")[0] ?? "";
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const value = ipv4ToNumber(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").map((group) => parseInt(group, 16));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

function embeddedIpv4(high: number, low: number): number {
  return high * 65536 + low;
}

function classifyEmbedded(form: string, high: number, low: number): string | null {
  const reason = classifyIpv4(embeddedIpv4(high, low));
  return reason === null ? null : `${reason} in ${form} form`;
}

function classifyIpv6(groups: readonly number[]): string | null {
  const group = (index: number): number => groups[index] ?? 0;
  const leadingZeros = (count: number): boolean => groups.slice(0, count).every((value) => value === 0);
  if (leadingZeros(8)) return "an unspecified address";
  if (leadingZeros(7) && group(7) === 1) return "a loopback address";
  if (leadingZeros(5) && group(5) === 0xffff) return classifyEmbedded("IPv4-mapped IPv6", group(6), group(7));
  if (leadingZeros(4) && group(4) === 0xffff && group(5) === 0) {
    return classifyEmbedded("IPv4-translated IPv6", group(6), group(7));
  }
  if (leadingZeros(6)) return classifyEmbedded("IPv4-compatible IPv6", group(6), group(7));
  if (group(0) === 0x64 && group(1) === 0xff9b) {
    if (groups.slice(2, 6).every((value) => value === 0))
      return classifyEmbedded("NAT64 IPv6", group(6), group(7));
    return group(2) === 1 ? "a local-use NAT64 address" : "a reserved (NAT64) address";
  }
  if (group(0) === 0x2002) return classifyEmbedded("6to4 IPv6", group(1), group(2));
  if (group(0) === 0x2001 && group(1) === 0) return "a Teredo tunnel address";
  if (group(0) === 0x2001 && group(1) < 0x200) return "a reserved (IETF protocol) address";
  if (group(0) === 0x2001 && group(1) === 0xdb8) return "a documentation address";
  if (group(0) === 0x3fff && group(1) < 0x1000) return "a documentation address";
  if (group(0) === 0x100 && group(1) === 0 && group(2) === 0 && group(3) === 0)
    return "a discard-only address";
  if ((group(0) & 0xffc0) === 0xfe80) return "a link-local address";
  if ((group(0) & 0xffc0) === 0xfec0) return "a site-local address";
  if ((group(0) & 0xfe00) === 0xfc00) return "a unique-local address";
  if ((group(0) & 0xff00) === 0xff00) return "a multicast address";
  return null;
}

/**
 * Why `address` (an IP literal, IPv6 with or without brackets) must not be reached, or null when
 * it is a public address. Anything that is not an IP address is refused: callers resolve names first.
 */
export function classifyAddress(address: string): string | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return classifyIpv4(ipv4ToNumber(bare));
  if (isIPv6(bare)) return classifyIpv6(parseIpv6(bare));
  return "not an IP address";
}

/** True for `127.0.0.1`, `::1` and `[::1]` (URL hostnames keep IPv6 brackets). */
export function isIpLiteral(hostname: string): boolean {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIPv4(bare) || isIPv6(bare);
}
