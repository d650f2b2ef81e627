/**
 * The channel contract suite: the behaviours every chat channel owes the owner, proven through
 * the real host (pipeline, agent, approvals, database on every backend) with the channel talking
 * to its platform fake. A channel runs it from a small descriptor (channel-descriptor.ts):
 *
 *   describeChannelContract({ name: "telegram", messageLimit: 4096, startPlatform: … });
 *
 * A case the channel cannot express is skipped with the descriptor's reason, visibly.
 */
import { test } from "bun:test";
import { forEachBackend } from "../support/db.ts";
import { describeApprovalCases } from "./approval-cases.ts";
import type { ChannelContractDescriptor } from "./channel-descriptor.ts";
import { describeChatCases } from "./chat-cases.ts";
import { type ContractCaseDeclaration, createContractHosts } from "./contract-hosts.ts";

export function describeChannelContract(descriptor: ChannelContractDescriptor): void {
  const hosts = createContractHosts(descriptor);
  forEachBackend(`channel contract: ${descriptor.name}`, ({ database }) => {
    const contractCase: ContractCaseDeclaration = (name, title, body) => {
      const reason = descriptor.skip?.[name];
      if (reason === undefined) test(title, body, 60_000);
      else test.skip(`${title} (skipped: ${reason})`, body);
    };
    describeChatCases({ descriptor, hosts, database, contractCase });
    describeApprovalCases({ descriptor, hosts, database, contractCase });
  });
}
