//! The browser's session API (`csr` only): `SessionProvider` at the root, `use_session()`
//! everywhere else.
//!
//! Components read the status and call `sign_in`, `sign_out`, `refresh` and `update`; none
//! calls the auth endpoints or touches storage itself. The server stays the authority: this
//! only mirrors what it says, and every protected server function checks for itself.

use leptos::{prelude::*, task::spawn_local};

use super::{
    SessionStatus,
    activity::{self, Report},
    api,
    model::{LiveSession, Session, SessionClock, SignInAnswer},
    tabs::TabEvent,
};
use crate::error::{ApiError, ErrorCode};

/// Why a tab is signed out, for the sign-in page to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOutReason {
    /// The person signed out (here or in another tab).
    SignedOut,
    /// The person signed out here, but the server could not record it yet (it keeps trying).
    SignOutUnconfirmed,
    /// Nobody used the portal until the idle timeout.
    Inactive,
    /// The session ended on its own or was ended elsewhere: its absolute end, a revocation.
    Ended,
}

/// A session's deadlines, in this browser's milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadlines {
    /// With no activity, the session ends then.
    pub idle_end: f64,
    /// The warning before `idle_end` starts then.
    pub warn_at: f64,
    /// The session's absolute end: no activity moves it.
    pub absolute_end: f64,
    /// The token needs renewing then.
    pub token_expires: f64,
}

impl Deadlines {
    fn of(session: &Session, clock: &SessionClock) -> Self {
        let idle_end = parse_time(&clock.idle_expires);
        Self {
            idle_end,
            warn_at: idle_end - f64::from(clock.idle_warning_secs) * 1000.0,
            absolute_end: parse_time(&session.expires),
            token_expires: parse_time(&clock.token_expires),
        }
    }
}

fn parse_time(rfc3339: &str) -> f64 {
    let ms = js_sys::Date::parse(rfc3339);
    if ms.is_nan() { 0.0 } else { ms }
}

/// Where a sign-in stands after the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    Done(Session),
    /// Two-step sign-in: `verify_code` next, with the code.
    CodeRequired,
}

/// The session as this tab knows it. Cheap to copy; get it with `use_session()`.
#[derive(Clone, Copy)]
pub struct SessionContext {
    status: RwSignal<SessionStatus>,
    /// Kept apart from `status`: it moves with every renewal, and nothing that shows the user
    /// should re-render when only a deadline moved.
    deadlines: RwSignal<Option<Deadlines>>,
    reason: RwSignal<Option<SignedOutReason>>,
    /// Bumped whenever this tab's view of the session is overruled (sign-in, sign-out, expiry):
    /// a server answer that was in flight before the bump is dropped, so a response that left
    /// the server before a sign-out cannot bring the session back.
    generation: StoredValue<u64>,
    /// The idle warning is showing: only its buttons answer it (a Tab to reach "Sign out" is
    /// not "I am still here").
    warning_open: StoredValue<bool>,
    /// Until then (ms), a tab of this browser is moving it to a new session (a password
    /// change): the old session's end is expected, and is confirmed only once that is done.
    replacing_until: StoredValue<f64>,
    /// A sign-out the server has not confirmed yet (offline): retried before any refetch.
    pending_sign_out: StoredValue<bool>,
    broadcast: StoredValue<Option<Callback<TabEvent>>>,
}

/// The session API. Panics outside `SessionProvider`, which is a wiring bug, not a run-time state.
pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

impl SessionContext {
    fn new() -> Self {
        Self {
            status: RwSignal::new(SessionStatus::Loading),
            deadlines: RwSignal::new(None),
            reason: RwSignal::new(None),
            generation: StoredValue::new(0),
            warning_open: StoredValue::new(false),
            replacing_until: StoredValue::new(0.0),
            pending_sign_out: StoredValue::new(false),
            broadcast: StoredValue::new(None),
        }
    }

    /// `Loading`, `Authenticated(session)` or `Unauthenticated`.
    pub fn status(self) -> Signal<SessionStatus> {
        self.status.into()
    }

    /// The session, when there is one.
    pub fn session(self) -> Signal<Option<Session>> {
        let status = self.status;
        Signal::derive(move || status.with(|s| s.session().cloned()))
    }

    /// The session's deadlines, while signed in.
    pub fn deadlines(self) -> Signal<Option<Deadlines>> {
        self.deadlines.into()
    }

    /// Why this tab is signed out, if it was signed in before.
    pub fn signed_out_reason(self) -> Signal<Option<SignedOutReason>> {
        self.reason.into()
    }

    /// Signs in; on success every other tab is told, and moves on too. `keep` makes the
    /// cookie outlive the browser ("Keep me signed in on this device").
    pub async fn sign_in(
        self,
        email: String,
        password: String,
        keep: bool,
    ) -> Result<SignInStep, ApiError> {
        self.bump();
        match api::sign_in(email, password, Some(keep)).await? {
            SignInAnswer::Session(live) => Ok(SignInStep::Done(self.signed_in(live))),
            SignInAnswer::CodeRequired(_) => Ok(SignInStep::CodeRequired),
        }
    }

    /// The second step of a two-step sign-in: the code for the challenge `sign_in` left. The
    /// session, and how many recovery codes are left when one was used.
    pub async fn verify_code(self, code: String) -> Result<(Session, Option<u64>), ApiError> {
        self.bump();
        let answer = api::verify_code(code).await?;
        Ok((self.signed_in(answer.live), answer.recovery_codes_left))
    }

    fn signed_in(self, live: LiveSession) -> Session {
        // The person's latest explicit act: it wins over anything that happened meanwhile, and
        // a sign-out still waiting to reach the server is moot (this sign-in ended that session).
        self.bump();
        self.pending_sign_out.set_value(false);
        let session = live.session.clone();
        self.accept(live, true);
        self.tell_other_tabs(TabEvent::SignedIn);
        session
    }

    /// Signs out here at once, tells every other tab, then ends the session on the server.
    pub async fn sign_out(self) {
        self.drop_session(SignedOutReason::SignedOut);
        self.tell_other_tabs(TabEvent::SignedOut);
        self.pending_sign_out.set_value(true);
        match api::sign_out().await {
            Ok(()) => self.pending_sign_out.set_value(false),
            // The server answered, but could not record it: it keeps trying on its own (and
            // refuses the session meanwhile); the person should know.
            Err(error) if error.error == ErrorCode::Unavailable => {
                self.pending_sign_out.set_value(false);
                if self.reason.get_untracked() == Some(SignedOutReason::SignedOut) {
                    self.reason.set(Some(SignedOutReason::SignOutUnconfirmed));
                }
            }
            // Offline: retried before the next session read.
            Err(_) => {}
        }
    }

    /// Tells the server the person is here: the idle deadline moves and the token is renewed.
    /// (`activity` decides when; this makes the call.)
    pub(super) async fn record_activity(self) {
        let generation = self.generation.get_value();
        let answer = api::record_activity().await;
        if !self.is_current(generation) {
            return;
        }
        match answer {
            Ok(Some(live)) => {
                self.accept(live, true);
                self.tell_other_tabs(TabEvent::Active);
            }
            Ok(None) => self.session_gone(),
            Err(_) => {}
        }
    }

    /// Whether this tab is signed in now (read outside any reactive scope).
    pub(super) fn is_signed_in(self) -> bool {
        self.status
            .try_with_untracked(|s| matches!(s, SessionStatus::Authenticated(_)))
            .unwrap_or(false)
    }

    /// Whether the idle warning is showing in this tab (set by the warning itself).
    pub fn set_warning_open(self, open: bool) {
        self.warning_open.set_value(open);
    }

    pub(super) fn warning_open(self) -> bool {
        self.warning_open.try_get_value().unwrap_or(false)
    }

    /// "Stay signed in" in the idle warning: counts as activity in every tab.
    pub fn stay_signed_in(self) {
        spawn_local(activity::report(self, Report::StaySignedIn));
    }

    /// Asks the server for the session again (focus, online, interval, another tab).
    pub fn refresh(self) {
        spawn_local(self.fetch());
    }

    /// Refetches, and tells the other tabs to do the same (after a change to the user).
    pub fn update(self) {
        self.refresh();
        self.tell_other_tabs(TabEvent::Updated);
    }

    /// Makes a server function call and passes its result through; when the server says the
    /// session is gone (401), signs this tab out right after the caller has the answer.
    ///
    /// Only if this tab's session is still the one the call was made with: a 401 for a session
    /// that a sign-out and a new sign-in (here or in another tab) have replaced meanwhile says
    /// nothing about the new one. And not synchronously: the caller is usually a page's
    /// resource, and signing out takes that page down (its role gate swaps it out); done in the
    /// middle of the answer, the page's own queued effects would read the disposed resource.
    pub async fn call<T>(
        self,
        request: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        // A call the person caused, with a token that has expired: renew it first, once for
        // the whole browser, instead of letting every tab's calls renew it at the server.
        let token_expires = self
            .deadlines
            .with_untracked(|d| d.map_or(f64::MAX, |d| d.token_expires));
        if activity::token_is_stale(token_expires) {
            activity::report(self, Report::Renewal).await;
        }
        let generation = self.generation.get_value();
        let result = request.await;
        if let Err(error) = &result
            && error.error == ErrorCode::Unauthenticated
        {
            set_timeout(
                move || {
                    let unchanged = self.generation.try_get_value() == Some(generation);
                    let signed_in = self
                        .status
                        .try_with_untracked(|s| matches!(s, SessionStatus::Authenticated(_)));
                    if unchanged && signed_in == Some(true) {
                        self.session_gone();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
        // The session is limited to a step this tab does not know of yet: learn it, so the
        // gate shows that step.
        if let Err(error) = &result
            && error.error == ErrorCode::PasswordChangeRequired
        {
            self.refresh();
        }
        result
    }

    /// As `call`, for a call that moves this browser to a new session (a password change):
    /// every tab is told first, so that the end of the old session, which the events stream
    /// may announce before this answer (and its new cookie) arrives, signs nobody out.
    pub async fn call_replacing<T>(
        self,
        request: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        self.expect_replacement();
        self.tell_other_tabs(TabEvent::Replacing);
        let result = self.call(request).await;
        self.replacing_until.set_value(0.0);
        self.update();
        result
    }

    fn expect_replacement(self) {
        const REPLACEMENT_MS: f64 = 15_000.0;
        self.replacing_until
            .set_value(activity::now_ms() + REPLACEMENT_MS);
    }

    /// The events stream (here or in the leader tab) heard this session end: ask the server
    /// what it means, once any replacement under way has finished.
    pub(super) async fn confirm_ended(self) {
        while activity::now_ms() < self.replacing_until.get_value() {
            super::events::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.fetch().await;
    }

    async fn fetch(self) {
        if self.pending_sign_out.get_value() {
            if api::sign_out().await.is_err() {
                return;
            }
            self.pending_sign_out.set_value(false);
        }
        let generation = self.generation.get_value();
        let answer = api::get_session().await;
        if !self.is_current(generation) {
            return;
        }
        match answer {
            Ok(Some(live)) => self.accept(live, false),
            Ok(None) => self.session_gone(),
            // Offline or the server is down: keep what we have, except a first load, which
            // must end somewhere.
            Err(_) => {
                if self.status.with_untracked(|s| *s == SessionStatus::Loading) {
                    self.apply(SessionStatus::Unauthenticated);
                }
            }
        }
    }

    /// Reads the session now and waits for the answer (the events stream's leader).
    pub(super) async fn refresh_now(self) {
        self.fetch().await;
    }

    /// Takes what the server says the session is. `renewed`: it came with a new token.
    fn accept(self, live: LiveSession, renewed: bool) {
        let deadlines = Deadlines::of(&live.session, &live.clock);
        if renewed {
            activity::note_new_token(deadlines.token_expires);
        }
        self.reason.set(None);
        if self.deadlines.with_untracked(|d| *d != Some(deadlines)) {
            self.deadlines.set(Some(deadlines));
        }
        self.apply(SessionStatus::Authenticated(live.session));
    }

    /// The server says there is no session: say why, as far as this tab can tell.
    fn session_gone(self) {
        if self
            .status
            .with_untracked(|s| matches!(s, SessionStatus::Authenticated(_)))
        {
            // Past the absolute end, or else past the idle deadline (a second's leeway for
            // clocks): the session ran out, or nobody was here. Otherwise it was ended.
            let now = activity::now_ms() + 1000.0;
            let reason = match self.deadlines.get_untracked() {
                Some(d) if now < d.absolute_end && now >= d.idle_end => SignedOutReason::Inactive,
                _ => SignedOutReason::Ended,
            };
            self.drop_session(reason);
        } else {
            self.apply(SessionStatus::Unauthenticated);
        }
    }

    fn drop_session(self, reason: SignedOutReason) {
        self.bump();
        self.reason.set(Some(reason));
        self.deadlines.set(None);
        self.apply(SessionStatus::Unauthenticated);
    }

    fn on_other_tab(self, event: TabEvent) {
        match event {
            // Takes privileges away only: act at once, the server has already been told.
            TabEvent::SignedOut => self.drop_session(SignedOutReason::SignedOut),
            TabEvent::SignedIn => {
                // Another tab's sign-in replaced the session this tab may still owe a sign-out.
                self.pending_sign_out.set_value(false);
                self.refresh();
            }
            // Another tab reported activity (the deadline moved), or changed the session: the
            // server says what it means here.
            TabEvent::Updated => {
                self.replacing_until.set_value(0.0);
                self.refresh();
            }
            TabEvent::Active => self.refresh(),
            TabEvent::Replacing => self.expect_replacement(),
            TabEvent::Ended => spawn_local(self.confirm_ended()),
        }
    }

    /// Sets the status only when it changed, so equal refetches re-render nothing.
    fn apply(self, status: SessionStatus) {
        if self.status.with_untracked(|s| *s != status) {
            self.status.set(status);
        }
    }

    fn bump(self) -> u64 {
        self.generation.update_value(|g| *g += 1);
        self.generation.get_value()
    }

    fn is_current(self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    pub(super) fn tell_other_tabs(self, event: TabEvent) {
        if let Some(post) = self.broadcast.get_value() {
            post.run(event);
        }
    }
}

/// Provides the session to everything inside it, and keeps it current: on start, when the
/// window regains focus or becomes visible, when the browser comes back online, every
/// `refetch_interval_secs`, and when another tab says so.
#[component]
pub fn SessionProvider(
    /// Seconds between background refetches; 0 turns them off.
    #[prop(default = 60)]
    refetch_interval_secs: u32,
    children: Children,
) -> impl IntoView {
    let session = SessionContext::new();
    provide_context(session);
    watch(session, refetch_interval_secs);
    activity::watch(session);
    super::events::lead(session);
    children()
}

fn watch(session: SessionContext, refetch_interval_secs: u32) {
    use std::time::Duration;

    let channel = super::tabs::TabChannel::open(move |event| session.on_other_tab(event));
    // Local: the channel holds JS objects. Dropped (and closed) with the provider.
    let channel = StoredValue::new_local(channel);
    session
        .broadcast
        .set_value(Some(Callback::new(move |event| {
            channel.with_value(|c| c.post(event))
        })));

    session.refresh();
    let focus = window_event_listener(leptos::ev::focus, move |_| session.refresh());
    let online = window_event_listener(leptos::ev::online, move |_| session.refresh());
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !document().hidden() {
            session.refresh();
        }
    });
    let interval = (refetch_interval_secs > 0)
        .then(|| {
            set_interval_with_handle(
                move || session.refresh(),
                Duration::from_secs(u64::from(refetch_interval_secs)),
            )
            .ok()
        })
        .flatten();
    on_cleanup(move || {
        focus.remove();
        online.remove();
        visible.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
}
