import { Component, type ReactNode } from 'react';
import { i18n } from '../i18n/i18n.ts';

type State = { error: Error | null; attempt: number };

const RETRY_S = 8;

/** A calm message instead of a blank page; tries again by itself (remounting what is below it). */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null, attempt: 0 };
  private timer = 0;

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    console.error('[linetwin] the view failed and will retry:', error);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(this.retry, RETRY_S * 1000);
  }

  override componentWillUnmount(): void {
    window.clearTimeout(this.timer);
  }

  private retry = () => {
    window.clearTimeout(this.timer);
    this.setState((s) => ({ error: null, attempt: s.attempt + 1 }));
  };

  override render() {
    const { error, attempt } = this.state;
    if (!error) return <ErrorKey key={attempt}>{this.props.children}</ErrorKey>;
    const webgl = /webgl|context/i.test(error.message);
    return (
      <div className="screen" role="alert">
        <div className="screen-card">
          <h1>{i18n.t('error.title')}</h1>
          <p>
            {webgl ? i18n.t('error.webgl') : i18n.t('error.generic')}
          </p>
          <p className="muted">{i18n.t('error.retrying', { seconds: RETRY_S })}</p>
          <button type="button" className="btn" onClick={this.retry}>
            {i18n.t('common.tryAgainNow')}
          </button>
        </div>
      </div>
    );
  }
}

function ErrorKey({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
