//! The browser entry point. Trunk builds this crate to WASM twice: the full app (`index.html`)
//! and, with the `signin` feature, the light first-load sign-in page (`signin.html`). All of
//! the app lives in `app`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the wasm-bindgen glue once the module is loaded.
#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    // `cfg!`, not `#[cfg]`: both arms are always compiled and linted; the optimiser drops the
    // other one, and all it alone uses, from each build.
    if cfg!(feature = "signin") {
        app::pages::signin::light::start();
    } else {
        app::dashboard::early::start();
        leptos::mount::mount_to_body(app::App);
    }
}
