export * from "./approvals.ts";
export * from "./conversations.ts";
export * from "./identities.ts";
export * from "./pairing.ts";
export * from "./routines.ts";
export * from "./settings.ts";
export * from "./turns.ts";
