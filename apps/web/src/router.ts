import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { setUnauthenticatedHandler } from "./api/http.ts";
import { useSessionStore } from "./stores/session.store.ts";

/** Every view is its own chunk: the first load carries the shell and the page it opens on. */
export const routes: RouteRecordRaw[] = [
  { path: "/", name: "dashboard", component: () => import("./views/DashboardView.vue"), meta: { title: "Dashboard" } },
  {
    path: "/projects",
    name: "projects",
    component: () => import("./views/ProjectsView.vue"),
    meta: { title: "Projects" },
  },
  {
    path: "/projects/:id",
    name: "project",
    component: () => import("./views/ProjectView.vue"),
    props: true,
    meta: { title: "Project" },
  },
  {
    path: "/projects/:id/triage",
    name: "triage",
    component: () => import("./views/TriageView.vue"),
    props: true,
    meta: { title: "Triage" },
  },
  {
    path: "/projects/:id/system",
    name: "system",
    component: () => import("./views/SystemView.vue"),
    props: true,
    meta: { title: "System" },
  },
  {
    path: "/analyses/:id",
    name: "analysis",
    component: () => import("./views/AnalysisView.vue"),
    props: true,
    meta: { title: "Analysis" },
  },
  { path: "/submit", name: "submit", component: () => import("./views/SubmitView.vue"), meta: { title: "Submit" } },
  { path: "/batches", name: "batches", component: () => import("./views/BatchesView.vue"), meta: { title: "Batches" } },
  {
    path: "/batches/:id",
    name: "batch",
    component: () => import("./views/SubmitView.vue"),
    props: true,
    meta: { title: "Batch" },
  },
  { path: "/audit", name: "audit", component: () => import("./views/AuditView.vue"), meta: { title: "Audit" } },
  {
    path: "/login",
    name: "login",
    component: () => import("./views/LoginView.vue"),
    meta: { title: "Sign in", public: true },
  },
  {
    path: "/settings",
    name: "settings",
    component: () => import("./views/SettingsView.vue"),
    meta: { title: "Settings" },
  },
  {
    path: "/:rest(.*)*",
    name: "not-found",
    component: () => import("./views/NotFoundView.vue"),
    meta: { title: "Not found" },
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

/** Every page but sign-in needs a session; the first navigation asks the server who we are. */
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSessionStore();
  if (!session.checked) await session.load();
  if (session.session && !session.session.authenticated) return { name: "login", query: { next: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  const title = typeof to.meta.title === "string" ? to.meta.title : "";
  document.title = title ? `${title} · Threatline` : "Threatline";
});

setUnauthenticatedHandler(() => {
  useSessionStore().expire();
  const current = router.currentRoute.value;
  if (!current.meta.public) void router.replace({ name: "login", query: { next: current.fullPath } });
});
