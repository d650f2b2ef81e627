/**
 * The shared approval codec: what a button carries round-trips, and a press is untrusted input —
 * malformed, oversized, foreign or non-string data never decodes.
 */
import { describe, expect, test } from "bun:test";
import {
  APPROVAL_DECISIONS,
  decodeApprovalData,
  encodeApprovalData,
  isApprovalDecision,
  isApprovalId,
  MAX_APPROVAL_DATA_LENGTH,
} from "../../../channels/shared/approval-codec.ts";
import { approvalButtons, outcomeLabels } from "../../../channels/shared/approval-labels.ts";

describe("approval codec", () => {
  test("every decision round-trips within Telegram's 64-byte limit", () => {
    const longest = "z".repeat(40);
    for (const decision of APPROVAL_DECISIONS) {
      const data = encodeApprovalData(longest, decision);
      expect(data.length).toBeLessThanOrEqual(MAX_APPROVAL_DATA_LENGTH);
      expect(decodeApprovalData(data)).toEqual({ approvalId: longest, decision });
    }
    expect(encodeApprovalData("k2m3n4p5q6", "always")).toBe("ap:k2m3n4p5q6:w");
  });

  test("malformed data does not decode", () => {
    for (const bad of [
      "",
      "ap:",
      "ap:abc",
      "ap:abc:",
      "ap:abc:x",
      "ap::a",
      "ap:ABC:a",
      "ap:ab c:a",
      "ap:abc:a:extra",
      " ap:abc:a",
      "ap:abc:a\n",
      "ap:abc:aw",
      "ap:äbc:a",
    ])
      expect(decodeApprovalData(bad)).toBeUndefined();
  });

  test("oversized data does not decode, however it is shaped", () => {
    expect(decodeApprovalData(`ap:${"a".repeat(41)}:a`)).toBeUndefined();
    expect(decodeApprovalData(`ap:abc:a${" ".repeat(100)}`)).toBeUndefined();
    expect(decodeApprovalData("x".repeat(10_000))).toBeUndefined();
  });

  test("foreign data and values that are not strings do not decode", () => {
    for (const foreign of ["ironclaw_approval_approve", "approve", "/approve abc", '{"ap":"abc"}'])
      expect(decodeApprovalData(foreign)).toBeUndefined();
    for (const value of [undefined, null, 42, {}, ["ap:abc:a"], { toString: () => "ap:abc:a" }])
      expect(decodeApprovalData(value)).toBeUndefined();
  });

  test("encoding refuses an id the decoder would reject", () => {
    for (const bad of ["", "ABC", "a:b", "a".repeat(41)])
      expect(() => encodeApprovalData(bad, "approve")).toThrow(RangeError);
  });

  test("the id and decision checks", () => {
    expect(isApprovalId("k2m3n4p5q6")).toBe(true);
    expect(isApprovalId("not an id!")).toBe(false);
    expect(isApprovalId(7)).toBe(false);
    expect(APPROVAL_DECISIONS.every(isApprovalDecision)).toBe(true);
    expect(isApprovalDecision("maybe")).toBe(false);
  });
});

describe("approval labels", () => {
  test("the buttons offer Always only when allowed; every outcome has a label", () => {
    expect(approvalButtons({ allowAlways: true }).map((button) => button.text)).toEqual([
      "✅ Approve",
      "♾️ Always",
      "❌ Deny",
    ]);
    expect(approvalButtons({ allowAlways: false }).map((button) => button.decision)).toEqual([
      "approve",
      "deny",
    ]);
    expect(Object.values(outcomeLabels)).toEqual([
      "✅ Approved",
      "♾️ Always allowed",
      "❌ Denied",
      "⌛ Expired",
    ]);
  });
});
