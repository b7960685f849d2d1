import { defineStore } from "pinia";
import { ref, watch } from "vue";

const KEY = "threatline.theme";

function initialDark(): boolean {
  if (typeof window === "undefined") return false;
  const saved = window.localStorage?.getItem(KEY);
  if (saved) return saved === "dark";
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

/** Light or dark theme, remembered per browser and defaulting to the system's. */
export const useUiStore = defineStore(
  "ui",
  () => {
    const dark = ref(initialDark());
    watch(dark, (value) => {
      if (typeof window !== "undefined") window.localStorage?.setItem(KEY, value ? "dark" : "light");
    });
    function toggleTheme() {
      dark.value = !dark.value;
    }
    return { dark, toggleTheme };
  },
  // The theme belongs to the browser, not to the account that signed out.
  { keepOnSignOut: true },
);
