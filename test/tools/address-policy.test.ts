import { describe, expect, test } from "bun:test";
import { classifyAddress, isIpLiteral } from "../../src/plugin/ports/http/address-policy.ts";
import { createDestinationPolicy, normalizeHost } from "../../src/plugin/ports/http/destination-check.ts";

describe("address policy", () => {
  test.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["224.0.0.251", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["fc00::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["fec0::1", "site-local"],
    ["::ffff:127.0.0.1", "loopback address in IPv4-mapped IPv6 form"],
    ["::ffff:7f00:1", "loopback address in IPv4-mapped IPv6 form"],
    ["[::ffff:a9fe:a9fe]", "link-local address in IPv4-mapped IPv6 form"],
    ["::ffff:10.1.2.3", "private address in IPv4-mapped IPv6 form"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["64:ff9b::10.0.0.1", "NAT64"],
    ["2002:c0a8:0101::1", "6to4"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.250", "documentation"],
    ["192.88.99.1", "6to4 relay"],
    ["::ffff:0:127.0.0.1", "loopback address in IPv4-translated IPv6 form"],
    ["::ffff:0:a9fe:a9fe", "link-local address in IPv4-translated IPv6 form"],
    ["[::ffff:0:10.0.0.1]", "private address in IPv4-translated IPv6 form"],
    ["64:ff9b::7f00:1", "loopback address in NAT64 IPv6 form"],
    ["64:ff9b::169.254.169.254", "link-local address in NAT64 IPv6 form"],
    ["64:ff9b::192.0.2.1", "documentation address in NAT64 IPv6 form"],
    ["64:ff9b:1::808:808", "local-use NAT64"],
    ["64:ff9b:1:abcd::1", "local-use NAT64"],
    ["64:ff9b:2::808:808", "reserved (NAT64)"],
    ["2002:7f00:0001::1", "loopback address in 6to4 IPv6 form"],
    ["2002:a9fe:a9fe:1::", "link-local address in 6to4 IPv6 form"],
    ["2002:0a00:0001:ffff::1", "private address in 6to4 IPv6 form"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"],
    ["2001::1", "Teredo"],
    ["2001:2::1", "reserved (IETF protocol)"],
    ["2001:10::1", "reserved (IETF protocol)"],
    ["2001:db8::1", "documentation"],
    ["2001:db8:ffff::8.8.8.8", "documentation"],
    ["3fff::1", "documentation"],
    ["3fff:fff::1", "documentation"],
    ["100::1", "discard-only"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(classifyAddress(address)).toContain(reason);
  });

  test.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "::ffff:0:8.8.8.8",
    "64:ff9b::808:808",
    "2002:0808:0808::1",
    "2001:200::1",
    "2001:db9::1",
    "3fff:1000::1",
    "100:0:0:1::1",
    "192.0.3.1",
    "198.51.101.1",
    "203.0.114.1",
  ])("allows the public address %s", (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  test("anything that is not an IP address is refused", () => {
    expect(classifyAddress("example.com")).toBe("not an IP address");
    expect(isIpLiteral("example.com")).toBe(false);
    expect(isIpLiteral("[::1]")).toBe(true);
    expect(isIpLiteral("10.0.0.1")).toBe(true);
  });

  test("allow-list entries are compared without case, brackets or a trailing dot", () => {
    const policy = createDestinationPolicy([" LocalHost ", "[::1]", "Example.COM.", ""], async () => []);
    expect([...policy.allowHosts]).toEqual(["localhost", "::1", "example.com"]);
    expect(normalizeHost("[::1]")).toBe("::1");
    expect(normalizeHost("LOCALHOST.")).toBe("localhost");
  });
});
