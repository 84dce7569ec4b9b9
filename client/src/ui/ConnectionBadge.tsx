import { useTwin, type ConnectionStatus } from '../store/store.ts';

const label: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stale: 'Stale: no updates',
  incompatible: 'Update needed',
};

const hint: Record<ConnectionStatus, string> = {
  connecting: 'Connecting to the plant server',
  live: 'Receiving live updates',
  reconnecting: 'Connection lost; the view shows the last known state and reconnects by itself',
  stale: 'Connected, but no update for more than 3 seconds: what you see may be out of date',
  incompatible: 'The server speaks another protocol version; reload the page',
};

export function ConnectionBadge() {
  const status = useTwin((s) => s.status);
  // Connected but looking at the past: "Live" would be a lie about what the view shows.
  const past = useTwin((s) => s.playback?.mode === 'playback') && status === 'live';
  return (
    <div
      className={`badge badge-${past ? 'playback' : status}`}
      data-testid="connection-badge"
      data-status={status}
      title={past ? 'Connected; the view shows recorded history, not the line now. Use the timeline to return to live.' : hint[status]}
      role="status"
      aria-live="polite"
    >
      <span className="badge-dot" aria-hidden="true" />
      {past ? 'History' : label[status]}
    </div>
  );
}
