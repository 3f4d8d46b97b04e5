//! The built frontend (`dist/`): hashed assets cached for a year, HTML shells never cached.
//!
//! Two shells: `signin/index.html`, the light first-load entry (the sign-in page alone), for
//! the addresses a visitor opens first (`/`, `/auth/signin`); `index.html`, the full app, for
//! every other path, so client-side routes load. A signed-out deep link into a protected area
//! is sent to the sign-in page first (`send_signed_out_to_sign_in`).
//!
//! Each shell is served in the request's language (`domain::lang`: the `lang` cookie, else
//! `Accept-Language`), from the copies `scripts/localize-shells.mjs` writes beside it
//! (`index.tr.html`, `index.en.html`), with `Vary: Accept-Language, Cookie`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use app::{
    account::Office,
    domain::lang::{self, Lang},
    session::{redirect::sign_in_url, server::cookie::SessionCookie},
};
use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::office_page;

/// The full app's shell, relative to `dist/`.
pub const APP_SHELL: &str = "index.html";
/// The light sign-in entry's shell, relative to `dist/` (`scripts/build-frontend.sh`).
pub const SIGNIN_SHELL: &str = "signin/index.html";
/// Served the light shell when the build has one.
const FIRST_LOAD_PATHS: [&str; 3] = ["/", "/auth/signin", "/auth/signin/"];
/// The areas only a signed-in user can see (each with everything below it).
const PROTECTED_AREAS: [&str; 2] = ["/admin", "/client"];

/// The HTML shells present in `dist`, in every language (for the CSP's inline-script hashes).
pub fn shells(dist: &Path) -> Vec<PathBuf> {
    [APP_SHELL, SIGNIN_SHELL]
        .iter()
        .flat_map(|shell| {
            let path = dist.join(shell);
            let mut all: Vec<PathBuf> = Lang::ALL.iter().map(|l| in_language(&path, *l)).collect();
            all.push(path);
            all
        })
        .filter(|path| path.is_file())
        .collect()
}

/// `index.html` → `index.tr.html`.
fn in_language(shell: &Path, lang: Lang) -> PathBuf {
    shell.with_extension(format!("{lang}.html"))
}

/// A shell in each language, served by the request's. A build without the localized copies (an
/// older `dist/`) serves the one shell it has to everyone.
#[derive(Clone)]
struct Localized {
    tr: ServeFile,
    en: ServeFile,
}

impl Localized {
    fn at(shell: PathBuf) -> Self {
        let pick = |lang| {
            let localized = in_language(&shell, lang);
            serve_file(if localized.is_file() {
                localized
            } else {
                shell.clone()
            })
        };
        Self {
            tr: pick(Lang::Tr),
            en: pick(Lang::En),
        }
    }

    async fn serve(self, request: Request) -> Response {
        let lang = lang::of_request(request.headers());
        let file = lang.pick(self.tr, self.en);
        let Ok(response) = file.oneshot(request).await;
        in_language_of_request(response.into_response(), lang)
    }
}

/// The same address answers in another language for another cookie or `Accept-Language`: says
/// so (`Vary`), says which (`Content-Language`), and keeps shared caches out (`private`): one
/// that ignores `Vary` would otherwise hand one person's language to the next.
fn in_language_of_request(mut response: Response, lang: Lang) -> Response {
    let headers = response.headers_mut();
    headers.append(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.as_str()),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

/// Serves the `.br`/`.gz` files `scripts/precompress.mjs` wrote when the browser accepts them.
/// `cookie` names the session cookie, for `send_signed_out_to_sign_in`. The light page is
/// written for this office once, at start-up, when it differs from the build's (so its WASM
/// need not ask): without its "Forgot your password?" link when there is no mail
/// (`mail_enabled` false), with the office's name and contact where they are set.
pub fn service(dist: &Path, cookie: SessionCookie, mail_enabled: bool, office: &Office) -> Router {
    let app_shell = Localized::at(dist.join(APP_SHELL));
    let light = dist.join(SIGNIN_SHELL);
    let mut router = Router::new();
    let for_this_office =
        !mail_enabled || office.name.is_some() || office.has_contact() || office.logo;
    if for_this_office && light.is_file() {
        let read = |lang| {
            let localized = in_language(&light, lang);
            let path = if localized.is_file() {
                localized
            } else {
                light.clone()
            };
            std::fs::read_to_string(path).map(|html| {
                let html = if mail_enabled {
                    html
                } else {
                    without_forgot_link(&html)
                };
                office_page::light_page_for(&html, office, lang)
            })
        };
        if let (Ok(tr), Ok(en)) = (read(Lang::Tr), read(Lang::En)) {
            let pages = Arc::new((tr, en));
            for path in FIRST_LOAD_PATHS {
                let pages = pages.clone();
                router = router.route(
                    path,
                    axum::routing::get(move |headers: axum::http::HeaderMap| async move {
                        let (tr, en) = &*pages;
                        let lang = lang::of_request(&headers);
                        let page = lang.pick(tr, en);
                        in_language_of_request(
                            axum::response::Html(page.clone()).into_response(),
                            lang,
                        )
                    }),
                );
            }
        }
    } else {
        // A build without the light entry (or an old dist/) still works: the full app signs in
        // too.
        let first_load = if light.is_file() {
            Localized::at(light)
        } else {
            app_shell.clone()
        };
        for path in FIRST_LOAD_PATHS {
            let first_load = first_load.clone();
            router = router.route(
                path,
                axum::routing::get(move |request: Request| first_load.serve(request)),
            );
        }
    }
    let app_fallback = axum::routing::any(move |request: Request| app_shell.serve(request));
    router
        .fallback_service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                // A folder is not a page (and its redirect to `folder/` is one a path like
                // `//host` would turn into another site's address).
                .append_index_html_on_directories(false)
                .fallback(app_fallback),
        )
        .layer(middleware::from_fn_with_state(
            cookie,
            send_signed_out_to_sign_in,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(dist.to_path_buf()),
            missing_files_are_404,
        ))
        .layer(middleware::from_fn(collapse_repeated_slashes))
}

/// `//signin`, `/auth//signin`: one address with stray slashes. Answered with a redirect to the
/// address with single slashes, a path on this site (a `Location` that starts with `//` or
/// `/\` is another host to a browser: backslashes are escaped).
async fn collapse_repeated_slashes(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.contains("//") {
        return next.run(request).await;
    }
    let mut target = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '/' if target.ends_with('/') => {}
            '\\' => target.push_str("%5C"),
            c => target.push(c),
        }
    }
    if let Some(query) = request.uri().query() {
        target.push('?');
        target.push_str(query);
    }
    Redirect::permanent(&target).into_response()
}

/// A missing file (a path whose last part has an extension: a hashed asset of an older or newer
/// build during a rolling deploy, say) is 404, never the app's page in its place.
async fn missing_files_are_404(
    State(dist): State<Arc<PathBuf>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let file = path.rsplit('/').next().unwrap_or_default();
    if file.contains('.') && !FIRST_LOAD_PATHS.contains(&path) {
        let relative = path.trim_start_matches('/');
        let inside = !relative
            .split('/')
            .any(|part| part == ".." || part.contains('\\'));
        if !inside || !dist.join(relative).is_file() {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Not found\n",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// A page load in a protected area with no session cookie at all goes to the sign-in page
/// (303, with the address as `callbackUrl`), as NextAuth's middleware does: a signed-out deep
/// link then loads the light page, not the whole app. A cookie that is there but dead still
/// gets the app, whose guard asks the server and does the same. Checks presence only: no
/// database, no token work on a static route.
async fn send_signed_out_to_sign_in(
    State(cookie): State<SessionCookie>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let protected = PROTECTED_AREAS.iter().any(|area| {
        path.strip_prefix(area)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    if !protected {
        return next.run(request).await;
    }
    let page_load = matches!(*request.method(), Method::GET | Method::HEAD);
    if page_load && cookie.read(request.headers()).is_none() {
        let here = request
            .uri()
            .path_and_query()
            .map_or(path, |address| address.as_str());
        return Redirect::to(&sign_in_url(here)).into_response();
    }
    let mut response = next.run(request).await;
    // The same address answers differently with and without the cookie.
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("cookie"));
    response
}

/// The light page's markup without the paragraph holding `id="forgot-link"`.
fn without_forgot_link(html: &str) -> String {
    let Some(link) = html.find("id=\"forgot-link\"") else {
        return html.to_owned();
    };
    let start = html[..link].rfind("<p").unwrap_or(link);
    let end = html[link..]
        .find("</p>")
        .map_or(link, |i| link + i + "</p>".len());
    format!("{}{}", &html[..start], &html[end..])
}

fn serve_file(path: PathBuf) -> ServeFile {
    ServeFile::new(path).precompressed_br().precompressed_gzip()
}

pub async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.headers().contains_key(header::CACHE_CONTROL) {
        // Set by the handler (a shell per language is `private`).
        return response;
    }
    let value = if is_html || !response.status().is_success() {
        "no-cache"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Trunk names built assets `name-<hash>.ext` (or `_bg.wasm` after the hash), the hash a 64-bit
/// number in lowercase hex without leading zeros: 16 digits, or fewer one time in sixteen (a hash
/// under 12 digits, one in 65,536, is merely cached for an hour).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.split(['-', '_', '.']).any(|part| {
        (12..=16).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset("/frontend-4f2c1e0a9b8d7c6e_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        // A hash with a leading zero digit dropped (Trunk 0.21 writes these).
        assert!(is_hashed_asset("/frontend-6e0298721226171_bg.wasm"));
        assert!(!is_hashed_asset("/robots.txt"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
    }
}
