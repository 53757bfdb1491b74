import type { StreamExceptionType } from "./event-stream";

/** Bedrock Runtime's modelled error classes, as the SDK names them (from header `x-amzn-errortype`). */
export type BedrockErrorName =
  | "ValidationException"
  | "ServiceQuotaExceededException"
  | "AccessDeniedException"
  | "ResourceNotFoundException"
  | "ModelTimeoutException"
  | "ModelErrorException"
  | "ThrottlingException"
  | "ModelNotReadyException"
  | "InternalServerException"
  | "ServiceUnavailableException"
  | "ModelStreamErrorException"
  | "UnknownOperationException";

/** HTTP status Bedrock sends with each error class. */
export const ERROR_STATUS: Readonly<Record<BedrockErrorName, number>> = Object.freeze({
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  ModelStreamErrorException: 424,
  UnknownOperationException: 404,
});

/** The in-stream exception type (`:exception-type`) carrying the same meaning as an HTTP error class, where one exists. */
export const STREAM_EXCEPTION_TYPE: Readonly<Partial<Record<BedrockErrorName, StreamExceptionType>>> = Object.freeze({
  ThrottlingException: "throttlingException",
  ModelStreamErrorException: "modelStreamErrorException",
  InternalServerException: "internalServerException",
  ServiceUnavailableException: "serviceUnavailableException",
  ValidationException: "validationException",
  ModelTimeoutException: "modelTimeoutException",
});

/** An error the emulator answers with, exactly as Bedrock would (status, `x-amzn-errortype`, JSON body). */
export class BedrockError extends Error {
  readonly status: number;
  constructor(
    readonly errorName: BedrockErrorName,
    message: string,
    /** Extra JSON body fields (e.g. `originalStatusCode` for ModelErrorException). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = errorName;
    this.status = ERROR_STATUS[errorName];
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.extra };
  }
}

/** Bedrock's messages for the errors the emulator produces, kept in one place so tests can quote them. */
export const ERROR_MESSAGES = Object.freeze({
  invalidModelId: "The provided model identifier is invalid.",
  onDemandNotSupported: (modelId: string) =>
    `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
  accessDenied: "You don't have access to the model with the specified model ID.",
  throttledRequests: "Too many requests, please wait before trying again.",
  throttledTokens: "Too many tokens, please wait before trying again.",
  serviceUnavailable: "Bedrock is unable to process your request.",
  concurrency: "Too many concurrent requests for this model, please wait before trying again.",
  internal: "The system encountered an unexpected error during processing. Try your request again.",
  modelNotReady: "Model is not ready to serve inference requests. The AWS SDK will automatically retry the operation up to 5 times.",
  modelTimeout: "Model has timed out in processing the request. Try your request again.",
  modelError: "The model encountered an error while processing the request.",
  modelStreamError: "The model encountered an error while streaming the response.",
  quotaExceeded: "Your request exceeds the service quota for your account. You can view your quotas at https://console.aws.amazon.com/servicequotas.",
  malformedInput: (detail: string) => `Malformed input request: ${detail}, please reformat your input and try again.`,
});
