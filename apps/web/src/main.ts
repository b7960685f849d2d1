import { createApp } from "vue";
import App from "./App.vue";
import { router } from "./router.ts";
import { createAppPinia } from "./stores/pinia.ts";

createApp(App).use(createAppPinia()).use(router).mount("#app");
