//! The browser entry point. Trunk builds this crate to WASM; all of the app lives in `app`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the wasm-bindgen glue once the module is loaded.
#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
