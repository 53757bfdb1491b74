/**
 * Who is calling and from which region, read from the `Authorization` header: SigV4
 * (`AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-2/bedrock/aws4_request, …`, region from the credential scope)
 * or a Bedrock API key (`Bearer …`, no region inside: the emulator's default region applies).
 * Signatures are not verified and no credential is kept.
 */
export type AuthScheme = "sigv4" | "bearer" | "none";

export interface Caller {
  authScheme: AuthScheme;
  /** Region from the SigV4 credential scope, else the default region. */
  region: string;
}

const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[a-z0-9-]+\/aws4_request/;

export function identifyCaller(authorization: string | undefined, defaultRegion: string): Caller {
  if (authorization === undefined || authorization === "") return { authScheme: "none", region: defaultRegion };
  if (/^Bearer\s+\S/i.test(authorization)) return { authScheme: "bearer", region: defaultRegion };
  if (authorization.startsWith("AWS4-HMAC-SHA256")) {
    const match = CREDENTIAL_SCOPE.exec(authorization);
    return { authScheme: "sigv4", region: match?.[1] ?? defaultRegion };
  }
  return { authScheme: "none", region: defaultRegion };
}
