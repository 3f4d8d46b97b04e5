//! Web Locks (`navigator.locks`), through `js_sys` (web-sys has them only behind its unstable
//! APIs flag): one tab of the browser at a time runs a piece of work, and the next waits its
//! turn. Where a browser has no Web Locks, the work simply runs.

use std::future::Future;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// Runs `work` while this tab holds the lock called `name`; waits for the tab that holds it.
/// The lock is let go when `work` ends, or when the tab closes.
pub async fn with_lock<F, Fut>(name: &str, work: F)
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let Some((locks, request)) = lock_manager() else {
        work().await;
        return;
    };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        future_to_promise(async move {
            work().await;
            Ok(JsValue::UNDEFINED)
        })
    });
    // Refused (an opaque origin, say): the callback never runs, and nothing was done.
    if let Ok(granted) = request.call2(&locks, &JsValue::from_str(name), &callback)
        && let Ok(granted) = granted.dyn_into::<Promise>()
    {
        let _ = JsFuture::from(granted).await;
    }
}

fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}
