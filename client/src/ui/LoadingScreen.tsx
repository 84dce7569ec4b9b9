type Props = { phase: 'loading' } | { phase: 'retrying'; reason: string; retryInS: number; attempt: number };

export function LoadingScreen(props: Props) {
  return (
    <div className="screen" role="status" aria-live="polite">
      <div className="screen-card">
        <div className="screen-logo" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <h1>linetwin</h1>
        {props.phase === 'loading' ? (
          <p>Loading the plant…</p>
        ) : (
          <>
            <p>Waiting for the plant server: {props.reason}.</p>
            <p className="muted">
              Trying again in {props.retryInS} s (attempt {props.attempt}). This page will continue by itself once the
              server is back.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
