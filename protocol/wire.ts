/**
 * How Socket.IO packets travel: MessagePack (socket.io-msgpack-parser) instead of Socket.IO's default text
 * encoding. With the default parser a binary state frame travels as two WebSocket messages (a JSON header
 * with a placeholder, then the bytes); MessagePack puts the event and its bytes in one binary message, so a
 * broadcast tick costs each client one socket write, as a bare `ws` broadcaster would.
 *
 * Server and every client must use the same parser: `new Server(http, { parser: wireParser })`,
 * `io(url, { parser: wireParser })`.
 */
import * as wireParser from 'socket.io-msgpack-parser';

export { wireParser };

