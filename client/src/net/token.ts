/**
 * The presenter token: typed in once on the trainer's machine (net/room.ts keeps it), sent only in the Socket.IO
 * handshake. Its own module: the connection the page opens first (net/socket.ts) reads it without the rest.
 */
export const TOKEN_KEY = 'linetwin:token';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}
