/**
 * Builds the embedder the configuration asks for (EMBEDDING_* in src/config-variables.ts), or
 * none. Defaults per backend: OpenAI `text-embedding-3-small` (1536) with OPENAI_API_KEY; Ollama
 * `nomic-embed-text` (768) at OLLAMA_BASE_URL; `local` is the deterministic offline embedder.
 * An OpenAI-compatible server needs EMBEDDING_MODEL and EMBEDDING_DIMENSION named explicitly:
 * guessing a dimension would only fail later, at the first vector.
 */
import type { Config } from "../config.ts";
import { ConfigError } from "../errors.ts";
import type { Embedder } from "./embedder.ts";
import { createLocalEmbedder } from "./local-embedder.ts";
import { createOpenAiEmbedder } from "./openai-embedder.ts";

export type EmbeddingBackend = "openai" | "ollama" | "openai_compatible" | "local" | "none";

export interface EmbeddingSettings {
  backend: EmbeddingBackend;
  model?: string;
  dimension?: number;
  baseUrl?: string;
}

export function embeddingSettingsOf(config: Config): EmbeddingSettings {
  const values = config.values;
  return {
    backend: (values.EMBEDDING_BACKEND as EmbeddingBackend | undefined) ?? "none",
    model: values.EMBEDDING_MODEL as string | undefined,
    dimension: values.EMBEDDING_DIMENSION as number | undefined,
    baseUrl: values.EMBEDDING_BASE_URL as string | undefined,
  };
}

export function createConfiguredEmbedder(config: Config, fetchImpl?: typeof fetch): Embedder | undefined {
  const settings = embeddingSettingsOf(config);
  const fetchOption = fetchImpl ? { fetch: fetchImpl } : {};
  switch (settings.backend) {
    case "none":
      return undefined;
    case "local":
      return createLocalEmbedder({ dimension: settings.dimension ?? 256, model: settings.model });
    case "openai": {
      if (!config.llm.openaiApiKey && !settings.baseUrl) {
        throw new ConfigError("EMBEDDING_BACKEND", "openai needs OPENAI_API_KEY (or set EMBEDDING_BASE_URL)");
      }
      return createOpenAiEmbedder({
        model: settings.model ?? "text-embedding-3-small",
        dimension: settings.dimension ?? 1536,
        baseUrl: settings.baseUrl ?? config.llm.openaiBaseUrl ?? "https://api.openai.com/v1",
        apiKey: config.llm.openaiApiKey,
        sendDimensions: settings.dimension !== undefined,
        ...fetchOption,
      });
    }
    case "ollama":
      return createOpenAiEmbedder({
        model: settings.model ?? "nomic-embed-text",
        dimension: settings.dimension ?? 768,
        baseUrl:
          settings.baseUrl ??
          `${(config.llm.ollamaBaseUrl ?? "http://127.0.0.1:11434").replace(/\/+$/, "").replace(/\/v1$/, "")}/v1`,
        ...fetchOption,
      });
    case "openai_compatible": {
      if (!settings.model || !settings.dimension || !(settings.baseUrl ?? config.llm.openaiBaseUrl)) {
        throw new ConfigError(
          "EMBEDDING_BACKEND",
          "openai_compatible needs EMBEDDING_MODEL, EMBEDDING_DIMENSION and EMBEDDING_BASE_URL (or OPENAI_BASE_URL)",
        );
      }
      return createOpenAiEmbedder({
        model: settings.model,
        dimension: settings.dimension,
        baseUrl: (settings.baseUrl ?? config.llm.openaiBaseUrl) as string,
        apiKey: config.llm.openaiApiKey,
        ...fetchOption,
      });
    }
  }
}
