import { defineStore } from "pinia";
import { ref } from "vue";
import { useApi, type CreateUserInput, type UserDto } from "../api/client.ts";
import { compareText } from "../lib/format.ts";
import { asyncState } from "./async.ts";

/** User accounts, for instance administrators. */
export const useUsersStore = defineStore("users", () => {
  const items = ref<UserDto[]>([]);
  const loaded = ref(false);
  const listing = asyncState();
  const creating = asyncState();
  /** Unlock and delete share one state: one row action at a time, its refusal shown as a message. */
  const acting = asyncState();

  async function load() {
    const result = await listing.run(() => useApi().listUsers());
    if (result) {
      items.value = result;
      loaded.value = true;
    }
  }

  async function create(input: CreateUserInput): Promise<UserDto | null> {
    const user = await creating.run(() => useApi().createUser(input));
    if (!user) return null;
    items.value = [...items.value.filter((u) => u.id !== user.id), user].sort((a, b) => compareText(a.email, b.email));
    return user;
  }

  async function unlock(id: string): Promise<boolean> {
    const user = await acting.run(() => useApi().unlockUser(id));
    if (!user) return false;
    items.value = items.value.map((u) => (u.id === id ? user : u));
    return true;
  }

  async function remove(id: string): Promise<boolean> {
    const done = await acting.run(async () => {
      await useApi().deleteUser(id);
      return true;
    });
    if (!done) return false;
    items.value = items.value.filter((u) => u.id !== id);
    return true;
  }

  return {
    items,
    loaded,
    loading: listing.loading,
    error: listing.error,
    creating: creating.loading,
    createError: creating.error,
    acting: acting.loading,
    actionError: acting.error,
    load,
    create,
    unlock,
    remove,
  };
});
