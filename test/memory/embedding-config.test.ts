import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { createConfiguredEmbedder } from "../../src/memory/embedding-config.ts";

const configWith = (env: Record<string, string>) =>
  loadConfig({
    env: { IRONCLAW_HOME: "/tmp/ironclaw-embedding-config", ...env },
    file: { path: "/x.toml", values: {}, warnings: [] },
  });

describe("EMBEDDING_* configuration", () => {
  test("unset means no embedder: full-text search only", () => {
    expect(createConfiguredEmbedder(configWith({}))).toBeUndefined();
  });

  test("per-backend defaults; explicit values win", () => {
    expect(createConfiguredEmbedder(configWith({ EMBEDDING_BACKEND: "ollama" }))).toMatchObject({
      model: "nomic-embed-text",
      dimension: 768,
    });
    expect(
      createConfiguredEmbedder(
        configWith({ EMBEDDING_BACKEND: "openai", OPENAI_API_KEY: "sk-x", EMBEDDING_DIMENSION: "512" }),
      ),
    ).toMatchObject({ model: "text-embedding-3-small", dimension: 512 });
    expect(createConfiguredEmbedder(configWith({ EMBEDDING_BACKEND: "local" }))).toMatchObject({
      model: "local-hash-v1-256",
      dimension: 256,
    });
  });

  test("bad values name the variable", () => {
    expect(() => configWith({ EMBEDDING_BACKEND: "word2vec" })).toThrow(/EMBEDDING_BACKEND/);
    expect(() => configWith({ EMBEDDING_DIMENSION: "0" })).toThrow(/EMBEDDING_DIMENSION/);
    expect(() => configWith({ EMBEDDING_BASE_URL: "file:///etc" })).toThrow(/EMBEDDING_BASE_URL/);
    expect(() => createConfiguredEmbedder(configWith({ EMBEDDING_BACKEND: "openai_compatible" }))).toThrow(
      ConfigError,
    );
    expect(() => createConfiguredEmbedder(configWith({ EMBEDDING_BACKEND: "openai" }))).toThrow(
      /OPENAI_API_KEY/,
    );
  });
});
