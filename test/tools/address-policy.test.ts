import { describe, expect, test } from "bun:test";
import { classifyAddress, isIpLiteral } from "../../tools/http-request/address-policy.ts";
import { createDestinationPolicy, normalizeHost } from "../../tools/http-request/destination-check.ts";

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
    "64:ff9b::808:808",
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
