import { PROTOCOL_VERSION } from '../../../protocol/events.ts';
import { useTwin } from '../store/store.ts';

/** The server speaks another protocol version: say so plainly and offer the fix (a reload). */
export function IncompatibleNotice() {
  const status = useTwin((s) => s.status);
  const serverVersion = useTwin((s) => s.incompatibleServerVersion);
  if (status !== 'incompatible') return null;
  return (
    <div className="screen overlay" role="alert">
      <div className="screen-card">
        <h1>This page is out of date</h1>
        <p>
          The plant server was updated and speaks a different version of the live data (server {serverVersion ?? '?'}, this page{' '}
          {PROTOCOL_VERSION}). Reloading the page fetches the matching version.
        </p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    </div>
  );
}
