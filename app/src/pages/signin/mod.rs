//! `/auth/signin`, two forms side by side: `light`, the first-load page (plain web-sys over
//! `signin.html`, no Leptos), and `in_app`, the Leptos page a tab shows after a sign-out inside
//! the app. Keep their markup and texts alike; the end-to-end tests run the same checks on both.

pub mod in_app;
pub mod light;
mod words;

pub use in_app::SignInPage;
