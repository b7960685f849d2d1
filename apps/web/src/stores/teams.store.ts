import { defineStore } from "pinia";
import { ref } from "vue";
import { useApi, type MemberDto, type Role, type TeamDto } from "../api/client.ts";
import { compareText } from "../lib/format.ts";
import { asyncState } from "./async.ts";

const byEmail = (a: MemberDto, b: MemberDto) => compareText(a.email, b.email);

/** Teams the caller can see, and the members of the one team being managed. */
export const useTeamsStore = defineStore("teams", () => {
  const items = ref<TeamDto[]>([]);
  const selectedId = ref<string | null>(null);
  const members = ref<MemberDto[]>([]);
  const listing = asyncState();
  const creating = asyncState();
  const memberList = asyncState();
  const adding = asyncState();
  /** Role changes and removals: one row action at a time, its refusal shown as a message. */
  const acting = asyncState();

  async function load() {
    const result = await listing.run(() => useApi().listTeams());
    if (!result) return;
    items.value = result;
    if (selectedId.value && !result.some((t) => t.id === selectedId.value)) {
      selectedId.value = null;
      members.value = [];
    }
  }

  async function create(name: string): Promise<TeamDto | null> {
    const team = await creating.run(() => useApi().createTeam(name));
    if (!team) return null;
    items.value = [...items.value, team].sort((a, b) => compareText(a.name, b.name));
    return team;
  }

  /** Opens one team's members; a later selection wins over an earlier answer. */
  async function select(teamId: string | null) {
    selectedId.value = teamId;
    members.value = [];
    if (!teamId) return;
    const result = await memberList.run(() => useApi().listMembers(teamId));
    if (result && selectedId.value === teamId) members.value = [...result].sort(byEmail);
  }

  function upsert(member: MemberDto) {
    members.value = [...members.value.filter((m) => m.userId !== member.userId), member].sort(byEmail);
  }

  /** Runs a member change on the selected team; its answer updates the list if that team is still the one shown. */
  async function changeMember(
    state: ReturnType<typeof asyncState>,
    call: (teamId: string) => Promise<MemberDto>,
  ): Promise<MemberDto | null> {
    const teamId = selectedId.value;
    if (!teamId) return null;
    const member = await state.run(() => call(teamId));
    if (!member) return null;
    if (selectedId.value === teamId) upsert(member);
    return member;
  }

  function addMember(email: string, role: Role): Promise<MemberDto | null> {
    return changeMember(adding, (teamId) => useApi().addMember(teamId, email, role));
  }

  async function changeRole(userId: string, role: Role): Promise<boolean> {
    return (await changeMember(acting, (teamId) => useApi().changeRole(teamId, userId, role))) !== null;
  }

  async function removeMember(userId: string): Promise<boolean> {
    const teamId = selectedId.value;
    if (!teamId) return false;
    const done = await acting.run(async () => {
      await useApi().removeMember(teamId, userId);
      return true;
    });
    if (!done) return false;
    if (selectedId.value === teamId) members.value = members.value.filter((m) => m.userId !== userId);
    return true;
  }

  return {
    items,
    selectedId,
    members,
    loading: listing.loading,
    error: listing.error,
    creating: creating.loading,
    createError: creating.error,
    membersLoading: memberList.loading,
    membersError: memberList.error,
    adding: adding.loading,
    addError: adding.error,
    acting: acting.loading,
    actionError: acting.error,
    load,
    create,
    select,
    addMember,
    changeRole,
    removeMember,
  };
});
