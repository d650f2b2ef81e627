/**
 * Builds a `GET /_matrix/client/v3/sync` answer for one user from the homeserver's stream:
 * `rooms.join` with each joined room's timeline since the token (a room joined after the token
 * shows its recent history, as `history_visibility: shared` allows), `rooms.invite` with the
 * stripped state of invites made after it, and `next_batch` = the current stream position.
 * An answer with nothing in it tells the long-poll to keep waiting.
 */
import { type HomeserverState, type MatrixEvent, type Room, wireEvent } from "./homeserver-state.ts";

export interface SyncQuery {
  userId: string;
  /** The stream position of `since`; undefined for an initial sync. */
  since: number | undefined;
  timelineLimit: number;
  /** Events handed out again whatever the token (a homeserver replaying a lost batch). */
  replay: readonly MatrixEvent[];
}

export interface SyncAnswer {
  body: Record<string, unknown>;
  empty: boolean;
}

function roomTimeline(state: HomeserverState, room: Room, query: SyncQuery) {
  const joinedAt = room.members.get(query.userId)?.position ?? 0;
  const inRoom = state.events.filter((event) => event.room_id === room.roomId);
  const fresh = query.since === undefined || joinedAt > query.since;
  const since = query.since ?? 0;
  let events = fresh ? inRoom : inRoom.filter((event) => event.position > since);
  const replayed = query.replay.filter(
    (event) => event.room_id === room.roomId && !events.some((shown) => shown.event_id === event.event_id),
  );
  events = [...replayed, ...events];
  const limited = events.length > query.timelineLimit;
  if (limited) events = events.slice(-query.timelineLimit);
  return { events, limited, prevBatch: `s${Math.max(0, (events[0]?.position ?? 1) - 1)}` };
}

function strippedState(state: HomeserverState, room: Room) {
  const latest = new Map<string, MatrixEvent>();
  for (const event of state.events) {
    if (event.room_id !== room.roomId || event.state_key === undefined) continue;
    latest.set(`${event.type} ${event.state_key}`, event);
  }
  return [...latest.values()].map(({ type, state_key, sender, content }) => ({
    type,
    state_key,
    sender,
    content,
  }));
}

export function buildSync(state: HomeserverState, query: SyncQuery): SyncAnswer {
  const join: Record<string, unknown> = {};
  const invite: Record<string, unknown> = {};
  const since = query.since ?? 0;
  for (const room of state.rooms.values()) {
    const member = room.members.get(query.userId);
    if (member?.membership === "join") {
      const timeline = roomTimeline(state, room, query);
      if (timeline.events.length === 0) continue;
      join[room.roomId] = {
        timeline: {
          events: timeline.events.map((event) => wireEvent(event, query.userId, state.transactionIds)),
          limited: timeline.limited,
          prev_batch: timeline.prevBatch,
        },
        state: { events: [] },
        summary: {
          "m.joined_member_count": state.joinedCount(room),
          "m.invited_member_count": state.invitedCount(room),
        },
        ephemeral: { events: [] },
        account_data: { events: [] },
        unread_notifications: { highlight_count: 0, notification_count: 0 },
      };
    } else if (member?.membership === "invite" && (query.since === undefined || member.position > since)) {
      invite[room.roomId] = { invite_state: { events: strippedState(state, room) } };
    }
  }
  const empty = Object.keys(join).length === 0 && Object.keys(invite).length === 0;
  return {
    empty,
    body: {
      next_batch: `s${state.position}`,
      rooms: { join, invite, leave: {} },
      account_data: { events: [] },
      presence: { events: [] },
      to_device: { events: [] },
      device_one_time_keys_count: { signed_curve25519: 0 },
    },
  };
}
