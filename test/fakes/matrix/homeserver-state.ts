/**
 * The state of the fake Matrix homeserver: rooms, memberships and one ordered event stream, as
 * a real homeserver keeps them. A stream position is an event's index in that stream, and a
 * sync token is a position (`s<position>`), so a sync with the same `since` answers the same
 * events again — which is exactly how a real client recovers from a lost sync response.
 *
 * Sends are idempotent per access token and transaction id (the client-server API's rule): the
 * same `txnId` from the same token answers the first event's id and stores nothing new.
 */

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
  /** Fake bookkeeping, never on the wire: the position in the stream. */
  position: number;
  /** Fake bookkeeping: the redaction event that removed this event's content. */
  redactedBy?: string;
}

export type Membership = "invite" | "join" | "leave";

export interface Room {
  roomId: string;
  creator: string;
  isDirect: boolean;
  members: Map<string, { membership: Membership; position: number }>;
}

let roomCounter = 0;

export class HomeserverState {
  readonly events: MatrixEvent[] = [];
  readonly rooms = new Map<string, Room>();
  /** `token txnId` → event id. */
  private readonly transactions = new Map<string, string>();
  /** event id → the txn id it was sent with (shown to its sender as `unsigned.transaction_id`). */
  readonly transactionIds = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly serverName: string) {}

  get position(): number {
    return this.events.length;
  }

  /** Calls `listener` after every new event (the sync long-poll waits on it). */
  onEvent(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wakes parked syncs without a new event (a replay was queued). */
  wake(): void {
    for (const listener of [...this.listeners]) listener();
  }

  append(event: Omit<MatrixEvent, "event_id" | "origin_server_ts" | "position">): MatrixEvent {
    const position = this.events.length + 1;
    const stored: MatrixEvent = {
      ...event,
      event_id: `$${position}-${Math.random().toString(36).slice(2, 10)}:${this.serverName}`,
      origin_server_ts: Date.now(),
      position,
    };
    this.events.push(stored);
    if (event.type === "m.room.member" && event.state_key !== undefined) {
      const room = this.rooms.get(event.room_id);
      const membership = event.content.membership as Membership;
      room?.members.set(event.state_key, { membership, position });
    }
    for (const listener of [...this.listeners]) listener();
    return stored;
  }

  /** A room created by `creator` (joined), with `invitee` invited; `isDirect` marks the invite. */
  createRoom(creator: string, invitee: string | undefined, isDirect: boolean): Room {
    roomCounter += 1;
    const roomId = `!room${roomCounter}${Math.random().toString(36).slice(2, 8)}:${this.serverName}`;
    const room: Room = { roomId, creator, isDirect, members: new Map() };
    this.rooms.set(roomId, room);
    const state = (type: string, stateKey: string, content: Record<string, unknown>, sender = creator) =>
      this.append({ type, sender, room_id: roomId, state_key: stateKey, content });
    state("m.room.create", "", { creator, room_version: "10" });
    state("m.room.member", creator, { membership: "join" });
    state("m.room.history_visibility", "", { history_visibility: "shared" });
    if (invitee) state("m.room.member", invitee, { membership: "invite", is_direct: isDirect });
    return room;
  }

  membership(roomId: string, userId: string): Membership | undefined {
    return this.rooms.get(roomId)?.members.get(userId)?.membership;
  }

  joinedCount(room: Room): number {
    return [...room.members.values()].filter((member) => member.membership === "join").length;
  }

  invitedCount(room: Room): number {
    return [...room.members.values()].filter((member) => member.membership === "invite").length;
  }

  /** The event id a transaction already produced, if the same token used this txn id before. */
  transaction(token: string, txnId: string): string | undefined {
    return this.transactions.get(`${token} ${txnId}`);
  }

  recordTransaction(token: string, txnId: string, eventId: string): void {
    this.transactions.set(`${token} ${txnId}`, eventId);
    this.transactionIds.set(eventId, txnId);
  }

  event(eventId: string): MatrixEvent | undefined {
    return this.events.find((event) => event.event_id === eventId);
  }

  /** Strips the content of `eventId` (keeping what the redaction algorithm keeps: nothing here). */
  redact(eventId: string, redactionId: string): void {
    const target = this.event(eventId);
    if (target) target.redactedBy = redactionId;
  }
}

/** The event as a client receives it: bookkeeping removed, redacted content emptied. */
export function wireEvent(event: MatrixEvent, viewer: string, transactionIds: Map<string, string>) {
  const { position: _position, redactedBy, ...wire } = event;
  const unsigned: Record<string, unknown> = { ...event.unsigned, age: Date.now() - event.origin_server_ts };
  const transactionId = transactionIds.get(event.event_id);
  if (transactionId !== undefined && event.sender === viewer) unsigned.transaction_id = transactionId;
  if (redactedBy) {
    const content = event.type === "m.room.member" ? { membership: event.content.membership } : {};
    return { ...wire, content, unsigned: { ...unsigned, redacted_because: { event_id: redactedBy } } };
  }
  return { ...wire, unsigned };
}
