/**
 * Error answers of the HTTP API (server/http/): `{ error, reason, params? }` beside the route's own fields
 * (`parameter`, `station`, `vin`, `from`…). `error` is the English sentence, as before; `reason` a stable
 * code from the list below and `params` the values the sentence is made of, so a client can say it in its
 * own language (docs/protocol.md, "HTTP error answers").
 *
 * A list of its own, not `ackErrorCodes` (protocol/events.ts): the two are refusals of different things
 * (a Socket.IO event; a request for a route and its query), a client words each from the reasons its
 * transport can send, and the same idea can have different English (`no-history` on a socket is "this server
 * keeps no history"; `no-history-yet` here is "no history is kept by this server yet").
 */
export const httpErrorReasons = [
  /** Any method but GET and HEAD. params: method. */
  'method-not-allowed',
  /** A path under /api/ that names no route. params: path. */
  'no-route',
  /** A time that is neither ISO 8601 nor epoch ms. params: parameter, value (as given). */
  'invalid-time',
  /** `GET /api/state?at=` on a server with no history (yet). */
  'no-history-yet',
  /** `GET /api/state?at=` outside the history. params: at, from, to (ISO 8601). */
  'outside-history',
  /** `GET /api/markers`: `from` or `to` is not a time, or `to` is before `from`. */
  'invalid-range',
  /** `GET /api/markers?station=` naming no station of the scene. params: station, scene. */
  'invalid-station',
  /** A parameter the route does not take. params: parameter, expected (the parameters it takes). */
  'unknown-parameter',
  /** A parameter given more than once. params: parameter. */
  'repeated-parameter',
  /** A `window` that is not a named window nor a duration. params: value. */
  'invalid-window',
  /** `window` with both `from` and `to`. */
  'window-overdetermined',
  /** A `format` other than json and csv. params: value. */
  'invalid-format',
  /** The window's start is not before its end. params: from, to (ISO 8601). */
  'from-not-before-to',
  /** `format=csv` on a route that is JSON only (a station timeline). */
  'json-only',
  /** The window does not overlap the data. params: from, to, dataFrom, dataTo (ISO 8601). */
  'outside-data',
  /** Analytics has no data at all yet. */
  'no-data-yet',
  /** The id in the path is not valid percent-encoding. */
  'bad-path-encoding',
  /** `GET /api/stations/:id/timeline`: no such station in the scene. params: station, scene. */
  'no-station',
  /** The station is in the scene but not in the analysed data. params: station. */
  'station-not-analysed',
  /** `GET /api/bodies/:vin/route`: the body is not in the data kept. params: vin. */
  'no-body',
  /** `GET /api/bodies/:vin/route?at=`: the body was first seen after `at`. params: vin, at, firstSeen (ISO 8601). */
  'body-not-yet',
  /** This server keeps no analytics (a cluster follower). */
  'no-analytics',
] as const;
export type HttpErrorReason = (typeof httpErrorReasons)[number];

/** An error answer's body. `reason` is an HttpErrorReason from this server (typed as string: a newer one may send others). */
export type HttpFailure = { error: string; reason?: string; params?: Record<string, string | number> };
