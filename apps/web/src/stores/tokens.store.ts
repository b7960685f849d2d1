import { defineStore } from "pinia";
import { ref } from "vue";
import { useApi, type ApiTokenDto, type CreatedTokenDto, type CreateTokenInput } from "../api/client.ts";
import { asyncState } from "./async.ts";

/** The signed-in user's API tokens. A new token's value is kept only until the user dismisses it. */
export const useTokensStore = defineStore("tokens", () => {
  const items = ref<ApiTokenDto[]>([]);
  /** The token just created, with its value: the only time the SPA ever sees it. */
  const created = ref<CreatedTokenDto | null>(null);
  const listing = asyncState();
  const creating = asyncState();
  const revoking = asyncState();

  async function load() {
    const result = await listing.run(() => useApi().listTokens());
    if (result) items.value = result;
  }

  async function create(input: CreateTokenInput): Promise<CreatedTokenDto | null> {
    const result = await creating.run(() => useApi().createToken(input));
    if (!result) return null;
    created.value = result;
    const { token: _secret, ...listed } = result;
    items.value = [listed, ...items.value.filter((t) => t.id !== result.id)];
    return result;
  }

  async function revoke(id: string): Promise<boolean> {
    const result = await revoking.run(() => useApi().revokeToken(id));
    if (!result) return false;
    items.value = items.value.map((t) => (t.id === id ? result : t));
    return true;
  }

  /** Forgets the one-time value once the user has copied it (or walked away). */
  function dismissSecret() {
    created.value = null;
  }

  return {
    items,
    created,
    loading: listing.loading,
    error: listing.error,
    creating: creating.loading,
    createError: creating.error,
    revoking: revoking.loading,
    revokeError: revoking.error,
    load,
    create,
    revoke,
    dismissSecret,
  };
});

/** What a token row shows as its state. */
export function tokenStatus(token: ApiTokenDto, now: Date = new Date()): "revoked" | "expired" | "active" {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now.getTime()) return "expired";
  return "active";
}
