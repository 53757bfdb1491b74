import type { ModelFormat } from "../profiles";
import { anthropicFormat } from "./anthropic";
import { llamaFormat } from "./llama";
import { mistralFormat } from "./mistral";
import type { NativeFormat } from "./native-format";
import { novaFormat } from "./nova";

/** The native body format of each model family (`format` in the profiles). */
export const NATIVE_FORMATS: Readonly<Record<ModelFormat, NativeFormat>> = Object.freeze({
  anthropic: anthropicFormat,
  nova: novaFormat,
  llama: llamaFormat,
  mistral: mistralFormat,
});
