/**
 * Trainer follow-me. A trainer (presenter token) opens a session and shows its short code and a QR code of the
 * join address; trainees join by code or by that address (`/?join=CODE`). A trainee who looks around snaps
 * back with one tap. The QR code is drawn here from the address (qrcode package): nothing is fetched.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { room } from '../net/room.ts';
import { useTwin } from '../store/store.ts';

export function joinUrl(code: string): string {
  return `${window.location.origin}/?join=${encodeURIComponent(code)}`;
}

export function FollowPanel() {
  const { t } = useTranslation();
  const current = useTwin((s) => s.room);
  const [open, setOpen] = useState(false);

  if (current?.presenter) return <PresenterCard code={current.code} />;
  if (current) {
    return (
      <div className="follow-card member" data-testid="follow-member" data-following={current.following}>
        <span className="follow-label">{t('room.following', { code: current.code })}</span>
        {current.presenterAway && (
          <span className="follow-hint" data-testid="presenter-away">
            {t('room.presenterAway')}
          </span>
        )}
        {!current.following && (
          <button type="button" className="snap-back" data-testid="snap-back" onClick={() => room.snapBack()}>
            {t('room.snapBack')}
          </button>
        )}
        <button type="button" data-testid="room-leave" onClick={() => void room.leave()}>
          {t('room.leave')}
        </button>
      </div>
    );
  }
  return (
    <div className="follow">
      <button type="button" className="cam" data-testid="follow-open" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('room.title')}
      </button>
      {open && <FollowForm onDone={() => setOpen(false)} />}
    </div>
  );
}

function FollowForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const role = useTwin((s) => s.hello?.role ?? 'viewer');
  const [code, setCode] = useState('');
  const [token, setToken] = useState('');
  const canLead = role === 'presenter' || role === 'admin';
  return (
    <div className="follow-card" data-testid="follow-form">
      <form
        className="follow-row"
        onSubmit={(e) => {
          e.preventDefault();
          void room.join(code).then((r) => r.ok && onDone());
        }}
      >
        <label>
          <span>{t('room.codeLabel')}</span>
          <input data-testid="join-code" value={code} maxLength={8} autoCapitalize="characters" autoComplete="off" spellCheck={false} onChange={(e) => setCode(e.target.value.toUpperCase())} />
        </label>
        <button type="submit" data-testid="join-submit" disabled={code.trim().length < 4}>
          {t('room.join')}
        </button>
      </form>
      <hr />
      {canLead ? (
        <button type="button" data-testid="room-create" onClick={() => void room.create().then((r) => r.ok && onDone())}>
          {t('room.create')}
        </button>
      ) : (
        <form
          className="follow-row"
          onSubmit={(e) => {
            e.preventDefault();
            room.setToken(token);
            setToken('');
          }}
        >
          <label>
            <span>{t('room.tokenLabel')}</span>
            <input data-testid="presenter-token" type="password" value={token} autoComplete="off" onChange={(e) => setToken(e.target.value)} />
          </label>
          <button type="submit" disabled={token.trim() === ''}>
            {t('room.useToken')}
          </button>
          <p className="follow-hint">{t('room.tokenHint')}</p>
        </form>
      )}
    </div>
  );
}

function PresenterCard({ code }: { code: string }) {
  const { t } = useTranslation();
  const [qr, setQr] = useState<string | null>(null);
  const url = joinUrl(code);
  useEffect(() => {
    let live = true;
    // The QR code's library loads with the first presenter card, not with the app.
    import('qrcode').then((QRCode) => QRCode.toDataURL(url, { margin: 1, width: 176, errorCorrectionLevel: 'M' })).then(
      (data) => live && setQr(data),
      () => live && setQr(null),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <div className="follow-card presenter" data-testid="follow-presenter">
      <span className="follow-label">{t('room.sessionOpen')}</span>
      <span className="room-code" data-testid="room-code">
        {code}
      </span>
      {qr && <img className="room-qr" data-testid="room-qr" src={qr} width={176} height={176} alt={t('room.qrAlt', { url })} />}
      <span className="room-url">{url}</span>
      <button type="button" data-testid="room-end" onClick={() => void room.leave()}>
        {t('room.end')}
      </button>
    </div>
  );
}
