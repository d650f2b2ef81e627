/**
 * The approval text for a self-built tool: what the owner needs to decide, in this order — what
 * it is (name, description, new or replacing a version), every capability in the same words
 * `ironclaw tools install` uses (hosts, methods, credentials, secrets, limits; review.ts), the
 * SHA-256 of the exact bytes that will be stored, the tests and their results, and the source
 * (inline when short, plus the command that prints it in full, held or installed). Things an owner might
 * miss are said plainly: a wildcard host reaches every subdomain; a secret the source never
 * names is one the tool does not obviously need.
 */
import type { InstallReview } from "../install.ts";
import type { ToolBuildRequest } from "./build-request.ts";
import { describeTests, type TestOutcome } from "./run-tests.ts";

const inlineSourceChars = 1_500;

/** Plain warnings about what the request asks for. */
export function capabilityWarnings(request: ToolBuildRequest, review: InstallReview): string[] {
  const warnings: string[] = [];
  const hosts = [
    ...review.manifest.http.allowlist.map((rule) => rule.host),
    ...review.manifest.credentials.flatMap((grant) => grant.hosts),
  ];
  for (const host of new Set(hosts.filter((entry) => entry.startsWith("*.")))) {
    warnings.push(`⚠ Wildcard host ${host}: reaches every subdomain of ${host.slice(2)}.`);
  }
  const named = [
    ...review.manifest.secrets.allowedNames,
    ...review.manifest.credentials.map((grant) => grant.secret),
  ];
  for (const secret of review.manifest.secrets.allowedNames) {
    if (!request.source.includes(secret))
      warnings.push(`⚠ Asks about secret ${secret}, which the source never mentions.`);
  }
  if (named.length > 0) warnings.push(`Secrets involved: ${[...new Set(named)].join(", ")}.`);
  return warnings;
}

export function composeReview(
  request: ToolBuildRequest,
  review: InstallReview,
  outcomes: readonly TestOutcome[],
): string {
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  const source =
    request.source.length <= inlineSourceChars
      ? request.source
      : `${request.source.slice(0, inlineSourceChars)}\n… (${request.source.length - inlineSourceChars} more characters)`;
  return [
    `The assistant built a new tool and asks to install it${review.replaces ? " (a new version)" : ""}.`,
    ...review.lines,
    ...capabilityWarnings(request, review),
    `Tests: ${passed}/${outcomes.length} passed in the sandbox`,
    ...describeTests(request.tests, outcomes),
    `Source (${request.language}, ${request.source.length} characters; in full: \`ironclaw tools inspect ${review.name} --source${review.replaces ? " --pending" : ""}\`):`,
    source,
    "Approve installs exactly this component (the SHA-256 above); Deny installs nothing.",
  ].join("\n");
}
