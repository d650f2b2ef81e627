/**
 * Starting things for the channel contract cases: the descriptor's platform fake and the real
 * host on a test database with a fresh channel on that platform, all torn down after each test
 * (host first, platform last). Closing a host is a process stopping: the platform and the
 * database outlive it, so a second host on both is a restart.
 */
import { afterEach } from "bun:test";
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import type { Script } from "../fakes/llm/scripted-server.ts";
import { startHostHarness } from "../support/host.ts";
import type {
  ChannelContractCase,
  ChannelContractDescriptor,
  ContractPlatform,
  ContractPrompt,
} from "./channel-descriptor.ts";
import { deployCall, texts, until } from "./contract-support.ts";

/** Declares one case: a test, or a skipped one whose title carries the reason. */
export type ContractCaseDeclaration = (
  name: ChannelContractCase,
  title: string,
  body: () => Promise<void>,
) => void;

/** What a group of cases needs: the descriptor, how to start things, and how to declare a case. */
export interface ContractCaseContext {
  descriptor: ChannelContractDescriptor;
  hosts: ContractHosts;
  database: () => Promise<DatabaseHandle>;
  contractCase: ContractCaseDeclaration;
}

export interface HostSetup {
  script?: Script[];
  tools?: Tool[];
  env?: Record<string, string>;
}

export type ContractHosts = ReturnType<typeof createContractHosts>;

/** Registers the teardown; call at the top level of a test file (outside `describe`). */
export function createContractHosts(descriptor: ChannelContractDescriptor) {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startPlatform(): Promise<ContractPlatform> {
    const platform = await descriptor.startPlatform();
    cleanups.push(() => platform.close());
    return platform;
  }

  async function startHost(platform: ContractPlatform, handle: DatabaseHandle, setup: HostSetup = {}) {
    const harness = await startHostHarness(handle, {
      owner: false,
      ...platform.host,
      env: { ...platform.host.env, ...setup.env },
      channels: [await platform.createChannel(handle)],
      script: setup.script,
      tools: setup.tools,
    });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await harness.close();
    };
    cleanups.push(close);
    return { ...harness, close };
  }

  return { startPlatform, startHost };
}

/** Sends "deploy" (the model answers with the `deploy` call) and waits for the approval prompt. */
export async function askForDeploy(platform: ContractPlatform): Promise<ContractPrompt> {
  await platform.sendDm("owner", "deploy");
  let prompt: ContractPrompt | undefined;
  await until(
    () => {
      prompt = platform.findPrompt();
      return prompt !== undefined;
    },
    () => `no approval prompt; chat shows ${JSON.stringify(texts(platform.chat("owner")))}`,
  );
  return prompt as ContractPrompt;
}

/** A host whose model asks for `deploy` and then says `finalText`, with the prompt shown. */
export async function startWithPrompt(
  hosts: ContractHosts,
  handle: DatabaseHandle,
  runs: string[],
  finalText: string,
) {
  const platform = await hosts.startPlatform();
  const started = await hosts.startHost(platform, handle, {
    tools: [createRiskyTool(runs)],
    script: [deployCall, { text: finalText }],
  });
  return { ...started, platform, prompt: await askForDeploy(platform) };
}
