//! The dashboard's data asked for at start, alongside the session check, not after it.
//!
//! A cold start at `/admin` or `/client` (the address sign-in sends a person to) would otherwise
//! ask for the session, wait, mount the dashboard, and only then ask for its data: two round
//! trips one after the other, 300 ms on a phone's network. The server already sent a page load of
//! these areas without a cookie to the sign-in page, so a start here almost always has a session;
//! the request goes out at once, and the dashboard takes its answer the first time it mounts.
//! Not when the browser's shared record says its token needs renewing: the session layer renews
//! it once for all the browser's tabs, and a request sent here would renew it a second time.
//! Any failure (no session after all, a role that does not match) is dropped and the dashboard
//! asks again as it always did, through the session layer.

use std::cell::RefCell;

use futures::channel::oneshot;

use super::{
    api::{admin_dashboard, client_dashboard},
    model::{AdminSummary, ClientSummary},
};
use crate::error::ApiError;

type Slot<T> = RefCell<Option<oneshot::Receiver<Result<T, ApiError>>>>;

thread_local! {
    static ADMIN: Slot<AdminSummary> = const { RefCell::new(None) };
    static CLIENT: Slot<ClientSummary> = const { RefCell::new(None) };
}

/// Sends the dashboard's request now when the app starts at a dashboard's address. Call once,
/// before mounting the app.
#[cfg(feature = "csr")]
pub fn start() {
    if crate::session::activity::token_is_stale(0.0) {
        return;
    }
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    match path.trim_end_matches('/') {
        "/admin" => send(&ADMIN, admin_dashboard()),
        "/client" => send(&CLIENT, client_dashboard()),
        _ => {}
    }
}

#[cfg(feature = "csr")]
fn send<T: 'static>(
    slot: &'static std::thread::LocalKey<Slot<T>>,
    request: impl Future<Output = Result<T, ApiError>> + 'static,
) {
    let (answer, receiver) = oneshot::channel();
    slot.with(|slot| *slot.borrow_mut() = Some(receiver));
    // Before the app mounts, so before Leptos sets up its executor: the browser's own.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = answer.send(request.await);
    });
}

/// The staff dashboard's data: the answer sent at start if it came back well, else a new request.
pub async fn admin_summary() -> Result<AdminSummary, ApiError> {
    match take(&ADMIN).await {
        Some(summary) => Ok(summary),
        None => admin_dashboard().await,
    }
}

/// The client dashboard's data: the answer sent at start if it came back well, else a new
/// request.
pub async fn client_summary() -> Result<ClientSummary, ApiError> {
    match take(&CLIENT).await {
        Some(summary) => Ok(summary),
        None => client_dashboard().await,
    }
}

/// The early answer, once: later visits to the dashboard ask afresh.
async fn take<T>(slot: &'static std::thread::LocalKey<Slot<T>>) -> Option<T> {
    let receiver = slot.with(|slot| slot.borrow_mut().take())?;
    receiver.await.ok()?.ok()
}
