import type { Conversation } from "./conversation";
import type { PerformanceLatency, ServiceTierName } from "./profiles";

/** What any operation asks the model to do, after parsing its body (Converse or model-native). */
export interface GenerationRequest {
  conversation: Conversation;
  /** Undefined: the model's default. */
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  stopSequences: string[];
  /** Asked latency (`performanceConfig.latency` or the `X-Amzn-Bedrock-PerformanceConfig-Latency` header). */
  performanceLatency: PerformanceLatency;
  /** Asked service tier; undefined when the request named none. */
  serviceTier: ServiceTierName | undefined;
}
