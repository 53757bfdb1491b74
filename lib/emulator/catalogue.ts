import { GEOGRAPHY_REGIONS } from "./model-resolver";
import type { ModelProfile, ProfilesDocument } from "./profiles";

/**
 * What the emulator knows, for people: each model, and per region the identifiers that can be invoked there
 * (bare on-demand ID and/or `us.` / `eu.` / … inference profiles), with its options.
 */
export interface CatalogueEntry {
  modelId: string;
  name: string;
  format: ModelProfile["format"];
  /** Region → identifiers a request signed for that region may use. */
  invocableIds: Record<string, string[]>;
  /** Regions and inference-profile prefixes where latency-optimized inference is offered (empty when never). */
  optimized: { regions: string[]; profileGeographies: string[] } | null;
  serviceTiers: string[];
  promptCaching: boolean;
  countTokens: boolean;
  maxOutputTokens: number;
  contextWindowTokens: number;
}

export function modelCatalogue(profiles: ProfilesDocument): CatalogueEntry[] {
  return profiles.models.map((model) => {
    const invocableIds: Record<string, string[]> = {};
    for (const region of Object.keys(model.regions)) {
      const ids: string[] = [];
      if (model.onDemandRegions.includes(region)) ids.push(model.modelId);
      for (const geography of model.inferenceProfiles) if (GEOGRAPHY_REGIONS[geography](region)) ids.push(`${geography}.${model.modelId}`);
      if (ids.length > 0) invocableIds[region] = ids;
    }
    const optimized = model.latency.optimized;
    return {
      modelId: model.modelId,
      name: model.name,
      format: model.format,
      invocableIds,
      optimized: optimized ? { regions: [...optimized.regions], profileGeographies: [...optimized.profileGeographies] } : null,
      serviceTiers: [...model.serviceTiers],
      promptCaching: model.promptCaching !== null,
      countTokens: model.countTokens,
      maxOutputTokens: model.maxOutputTokens,
      contextWindowTokens: model.contextWindowTokens,
    };
  });
}
