/**
 * English UI strings. Every key here must exist in zh-CN.ts too (a unit test compares them); `{{name}}` is
 * filled in by i18next.
 */
export const en = {
  language: { switch: 'Switch language' },
  connection: {
    restarted: 'Reconnected to a restarted server: showing live data',
    label: { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stale: 'Stale: no updates', incompatible: 'Update needed', history: 'History' },
    hint: {
      connecting: 'Connecting to the plant server',
      live: 'Receiving live updates',
      reconnecting: 'Connection lost; the view shows the last known state and reconnects by itself',
      stale: 'Connected, but no update for more than 3 seconds: what you see may be out of date',
      incompatible: 'The server speaks another protocol version; reload the page',
      history: 'Connected; the view shows recorded history, not the line now. Use the timeline to return to live.',
    },
  },
  tour: {
    menu: 'Tours',
    stepOf: 'Step {{step}} of {{total}}',
    previous: 'Back',
    next: 'Next',
    play: 'Play',
    pause: 'Pause',
    close: 'End the tour',
  },
  room: {
    title: 'Follow me',
    codeLabel: 'Session code',
    join: 'Join',
    create: 'Open a training session',
    tokenLabel: 'Presenter token',
    useToken: 'Use token',
    tokenHint: 'Trainers: ask your administrator for a token (linetwin token --role presenter). It is kept on this device.',
    sessionOpen: 'Training session: trainees join with',
    qrAlt: 'QR code to join: {{url}}',
    end: 'End session',
    following: 'Following the trainer · {{code}}',
    snapBack: 'Back to the trainer',
    leave: 'Leave',
    notConnected: 'not connected to the plant server',
    noAnswer: 'the server did not answer in time',
    createFailed: 'Could not open a session: {{error}}',
    joinFailed: 'Could not join: {{error}}',
    closed: 'The training session was closed',
    ended: 'The trainer ended the session: back to live',
    lost: 'The connection dropped and the training session ended; open a new one',
  },
  kiosk: {
    jph: 'cars per hour',
    today: 'cars built today',
    exploring: 'Explore: drag to turn, pinch to zoom, tap a machine. The tour resumes after {{seconds}} s without touch.',
  },
};

export type Dictionary = typeof en;
