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
  return (
    <div className={`badge badge-${status}`} data-testid="connection-badge" data-status={status} title={hint[status]} role="status" aria-live="polite">
      <span className="badge-dot" aria-hidden="true" />
      {label[status]}
    </div>
  );
}
