import { BedrockError, ERROR_MESSAGES } from "./errors";
import { PROFILE_GEOGRAPHIES, type ModelProfile, type ProfileGeography, type ProfilesDocument } from "./profiles";

/**
 * Maps the model identifier of a request (bare ID, `us.`/`eu.`/`apac.`/`global.`… inference profile, or an ARN of either)
 * and the caller's region to a model profile, answering as Bedrock does when that is not possible.
 */
export interface ResolvedModel {
  profile: ModelProfile;
  /** The identifier as the request gave it (percent-decoded). */
  modelIdAsked: string;
  /** The inference-profile geography used, or undefined for a bare (on-demand) model ID. */
  geography: ProfileGeography | undefined;
  region: string;
  regionTtftMultiplier: number;
  regionDecodeMultiplier: number;
  quotas: ModelProfile["quotas"];
}

/** Source regions each cross-region inference-profile geography serves. */
export const GEOGRAPHY_REGIONS: Readonly<Record<ProfileGeography, (region: string) => boolean>> = {
  us: (r) => /^us-(east|west)-\d$/.test(r),
  eu: (r) => r.startsWith("eu-"),
  apac: (r) => r.startsWith("ap-"),
  global: (r) => !r.startsWith("us-gov-") && !r.startsWith("cn-"),
  "us-gov": (r) => r.startsWith("us-gov-"),
  jp: (r) => r === "ap-northeast-1" || r === "ap-northeast-3",
  au: (r) => r === "ap-southeast-2" || r === "ap-southeast-4",
  ca: (r) => r.startsWith("ca-"),
};

const UNRESOLVABLE_ARN_RESOURCES = [
  "application-inference-profile",
  "provisioned-model",
  "custom-model",
  "custom-model-deployment",
  "imported-model",
  "prompt",
  "default-prompt-router",
  "prompt-router",
];

/** The models of a profiles document, by ID: resolves what a request names (for people, see `catalogue.ts`). */
export class ModelResolver {
  private readonly byId = new Map<string, ModelProfile>();

  constructor(private readonly document: ProfilesDocument) {
    for (const model of document.models) this.byId.set(model.modelId, model);
  }

  get models(): readonly ModelProfile[] {
    return this.document.models;
  }

  find(modelId: string): ModelProfile | undefined {
    return this.byId.get(modelId);
  }

  /**
   * `allowBareId`: accept a bare model ID even where only inference profiles may be invoked (CountTokens, which runs
   * no inference, takes the foundation model ID).
   */
  resolve(modelIdAsked: string, region: string, options: { allowBareId?: boolean } = {}): ResolvedModel {
    let id = modelIdAsked;
    if (id.startsWith("arn:")) {
      const match = /^arn:aws(?:-[a-z-]+)?:bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/.exec(id);
      if (match === null) throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
      const resource = match[3] as string;
      if (resource === "foundation-model" || resource === "inference-profile") id = match[4] as string;
      else if (UNRESOLVABLE_ARN_RESOURCES.includes(resource)) {
        throw new BedrockError("ResourceNotFoundException", `The resource ${modelIdAsked} was not found. Check the ARN and try your request again.`);
      } else throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
    }
    let geography: ProfileGeography | undefined;
    let profile = this.byId.get(id);
    if (profile === undefined) {
      for (const candidate of PROFILE_GEOGRAPHIES) {
        if (id.startsWith(`${candidate}.`)) {
          const found = this.byId.get(id.slice(candidate.length + 1));
          if (found !== undefined) {
            geography = candidate;
            profile = found;
          }
          break;
        }
      }
    }
    if (profile === undefined) throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
    const regionSettings = this.document.regions[region];
    const modelRegion = profile.regions[region];
    if (regionSettings === undefined || modelRegion === undefined) throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
    if (geography === undefined) {
      if (!options.allowBareId && !profile.onDemandRegions.includes(region)) {
        throw new BedrockError("ValidationException", ERROR_MESSAGES.onDemandNotSupported(profile.modelId));
      }
    } else if (!profile.inferenceProfiles.includes(geography) || !GEOGRAPHY_REGIONS[geography](region)) {
      throw new BedrockError("ValidationException", ERROR_MESSAGES.invalidModelId);
    }
    if (!profile.accessGranted) throw new BedrockError("AccessDeniedException", ERROR_MESSAGES.accessDenied);
    return {
      profile,
      modelIdAsked,
      geography,
      region,
      regionTtftMultiplier: regionSettings.ttftMultiplier * (modelRegion.ttftMultiplier ?? 1),
      regionDecodeMultiplier: regionSettings.decodeMultiplier * (modelRegion.decodeMultiplier ?? 1),
      quotas: { ...profile.quotas, ...modelRegion.quotas },
    };
  }
}
