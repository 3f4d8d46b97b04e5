//! The light first-load sign-in page: the static markup of `signin.html`, brought to life here.
//!
//! Opening the portal (`/` or `/auth/signin`) from scratch loads this page, held to the size of
//! the Next.js sign-in page it replaces: 107 KB gzip for everything. The full app is 335 KB, and
//! Leptos with only the sign-in page and the session layer still measured 142 KB, so this page
//! is plain web-sys: 87 KB in all, most of it the server-function client and serde_json. It
//! must stay free of Leptos components and of the app's pages (`scripts/first-load-size.mjs`
//! checks the budget). It shares what matters with the app: the same server functions, input
//! rules, callback check and cross-tab channel. Once signed in, the browser loads the full app
//! at the target address; the app's own sign-in page (`super::in_app`) serves sign-outs inside
//! it, without a reload.

use std::{cell::Cell, rc::Rc};

use super::words::Words;

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement, Window};

use crate::{
    domain::{Email, Password},
    error::ApiError,
    error::ErrorCode,
    session::{
        CodeSignIn, LiveSession, Session, SignInAnswer, activity,
        api::{get_session, sign_in, verify_code},
        redirect::safe_callback,
        tabs::{TabChannel, TabEvent},
    },
};

const SIGN_IN_PATH: &str = "/auth/signin";

/// Starts the page: asks the server for the session, then either moves a signed-in visitor on
/// or shows the form. Does nothing (but say so in the console) if the markup is not there.
pub fn start() {
    match Page::find() {
        Some(page) => Page::start(Rc::new(page)),
        None => web_sys::console::error_1(&"sign-in page: markup missing".into()),
    }
}

/// The page's elements and state. Lives as long as the page: its handlers are never removed.
struct Page {
    window: Window,
    loading: HtmlElement,
    card: HtmlElement,
    form: HtmlElement,
    email: HtmlInputElement,
    email_error: Element,
    password: HtmlInputElement,
    password_error: Element,
    keep_signed_in: HtmlInputElement,
    toggle: HtmlButtonElement,
    message: Element,
    submit: HtmlButtonElement,
    spinner: HtmlElement,
    label: Element,
    pending: Cell<bool>,
    /// Bumped by a sign-in here, so a session check that was in flight before it cannot undo it.
    generation: Cell<u32>,
    /// A session check was asked for while a sign-in was under way: run it if that one fails.
    recheck: Cell<bool>,
    tabs: std::cell::OnceCell<TabChannel>,
    code: CodeStep,
    switch: HtmlButtonElement,
    words: Words,
}

/// The second step's card (two-step sign-in), shown after a right password.
struct CodeStep {
    card: HtmlElement,
    form: HtmlElement,
    intro: Element,
    label: Element,
    input: HtmlInputElement,
    error: Element,
    message: Element,
    submit: HtmlButtonElement,
    mode: HtmlButtonElement,
    restart: HtmlButtonElement,
    /// A recovery code is being typed, not the app's code.
    recovery: Cell<bool>,
}

impl CodeStep {
    fn find(document: &Document) -> Option<Self> {
        Some(Self {
            card: by_id(document, "code-card")?,
            form: by_id(document, "code-form")?,
            intro: by_id(document, "code-intro")?,
            label: by_id(document, "code-label")?,
            input: by_id(document, "code")?,
            error: by_id(document, "code-error")?,
            message: by_id(document, "code-message")?,
            submit: by_id(document, "code-submit")?,
            mode: by_id(document, "code-mode")?,
            restart: by_id(document, "code-restart")?,
            recovery: Cell::new(false),
        })
    }

    /// Between the app's code and a recovery code: texts and keyboard follow.
    fn set_recovery(&self, recovery: bool, words: &Words) {
        self.recovery.set(recovery);
        self.label_mode(words);
        let (inputmode, autocomplete) = if recovery {
            ("text", "off")
        } else {
            ("numeric", "one-time-code")
        };
        let _ = self.input.set_attribute("inputmode", inputmode);
        let _ = self.input.set_attribute("autocomplete", autocomplete);
        self.input.set_value("");
        set_error(&self.input, &self.error, None);
        self.message.set_text_content(None);
        let _ = self.input.focus();
    }

    /// The texts that depend on the kind of code (the markup's `data-t` keys follow them, so a
    /// language switch keeps them).
    fn label_mode(&self, words: &Words) {
        let keys = if self.recovery.get() {
            [
                "signin.recovery_intro",
                "signin.recovery_code",
                "signin.use_app_code",
            ]
        } else {
            ["signin.code_intro", "signin.code", "signin.use_recovery"]
        };
        for (element, key) in [&self.intro, &self.label, self.mode.as_ref()]
            .into_iter()
            .zip(keys)
        {
            let _ = element.set_attribute("data-t", key);
            element.set_text_content(Some(&words.get(key)));
        }
    }

    fn set_pending(&self, pending: bool, words: &Words) {
        self.submit.set_disabled(pending);
        let _ = self
            .submit
            .set_attribute("aria-busy", if pending { "true" } else { "false" });
        let key = if pending {
            "signin.code_submitting"
        } else {
            "signin.code_submit"
        };
        let _ = self.submit.set_attribute("data-t", key);
        self.submit.set_text_content(Some(&words.get(key)));
    }
}

impl Page {
    fn find() -> Option<Self> {
        let window = web_sys::window()?;
        let document = window.document()?;
        Some(Self {
            loading: by_id(&document, "signin-loading")?,
            card: by_id(&document, "signin-card")?,
            form: by_id(&document, "signin-form")?,
            email: by_id(&document, "email")?,
            email_error: by_id(&document, "email-error")?,
            password: by_id(&document, "password")?,
            password_error: by_id(&document, "password-error")?,
            keep_signed_in: by_id(&document, "keep-signed-in")?,
            toggle: by_id(&document, "password-toggle")?,
            message: by_id(&document, "signin-message")?,
            submit: by_id(&document, "signin-submit")?,
            spinner: by_id(&document, "signin-spinner")?,
            label: by_id(&document, "signin-label")?,
            window,
            pending: Cell::new(false),
            generation: Cell::new(0),
            recheck: Cell::new(false),
            tabs: std::cell::OnceCell::new(),
            code: CodeStep::find(&document)?,
            switch: by_id(&document, "language-switch")?,
            words: Words::find(&document)?,
        })
    }

    fn start(page: Rc<Self>) {
        // Another tab signed in (or changed the session): ask the server what that means here.
        let tabs = TabChannel::open({
            let page = Rc::downgrade(&page);
            move |event| {
                if let (Some(page), TabEvent::SignedIn | TabEvent::Updated) =
                    (page.upgrade(), event)
                {
                    Self::check_session(page);
                }
            }
        });
        let _ = page.tabs.set(tabs);

        listen(&page.form, "submit", {
            let page = page.clone();
            move |event| {
                event.prevent_default();
                Self::submit(page.clone());
            }
        });
        listen(&page.email, "input", {
            let page = page.clone();
            move |_| set_error(&page.email, &page.email_error, None)
        });
        listen(&page.password, "input", {
            let page = page.clone();
            move |_| set_error(&page.password, &page.password_error, None)
        });
        listen(&page.toggle, "click", {
            let page = page.clone();
            move |_| page.toggle_password()
        });
        listen(&page.code.form, "submit", {
            let page = page.clone();
            move |event| {
                event.prevent_default();
                Self::submit_code(page.clone());
            }
        });
        listen(&page.code.input, "input", {
            let page = page.clone();
            move |_| set_error(&page.code.input, &page.code.error, None)
        });
        listen(&page.code.mode, "click", {
            let page = page.clone();
            move |_| {
                page.code
                    .set_recovery(!page.code.recovery.get(), &page.words)
            }
        });
        listen(&page.switch, "click", {
            let page = page.clone();
            move |_| page.words.switch()
        });
        listen(&page.code.restart, "click", {
            let page = page.clone();
            move |_| page.back_to_password(None)
        });
        // Signed in elsewhere meanwhile (another window, a restored tab): move on when seen.
        for event in ["focus", "online"] {
            listen(&page.window, event, {
                let page = page.clone();
                move |_| Self::check_session(page.clone())
            });
        }
        if let Some(document) = page.window.document() {
            listen(&document, "visibilitychange", {
                let page = page.clone();
                let document = document.clone();
                move |_| {
                    if !document.hidden() {
                        Self::check_session(page.clone());
                    }
                }
            });
        }
        Self::check_session(page);
    }

    /// Asks the server for the session: a signed-in visitor goes on, anyone else sees the form.
    fn check_session(page: Rc<Self>) {
        if page.pending.get() {
            page.recheck.set(true);
            return;
        }
        let generation = page.generation.get();
        wasm_bindgen_futures::spawn_local(async move {
            let answer = get_session().await;
            if page.generation.get() != generation {
                return;
            }
            match answer {
                Ok(Some(live)) => page.leave(&live.session),
                // Offline or the server is down: the form, whose sign-in will say so.
                Ok(None) | Err(_) => page.show_form(),
            }
        });
    }

    fn show_form(&self) {
        // Shown already, or the second step is (a session check on focus must not undo it).
        if !self.card.hidden() || !self.code.card.hidden() {
            return;
        }
        // Served at `/` too: once it is clear the visitor must sign in, the address says so.
        let location = self.window.location();
        if location.pathname().ok().as_deref() != Some(SIGN_IN_PATH)
            && let Ok(history) = self.window.history()
        {
            let search = location.search().unwrap_or_default();
            let address = format!("{SIGN_IN_PATH}{search}");
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
        }
        self.loading.set_hidden(true);
        self.card.set_hidden(false);
        // The form is what the page is for.
        let _ = self.email.focus();
        self.prefetch_app();
    }

    /// Fetches the full app's files into the browser's cache while the person types, so the
    /// dashboard after sign-in starts from the cache (on Slow 4G the app's WASM alone takes
    /// well over a second to arrive). Only now, with the form shown: earlier, they would share
    /// the network with this page's own files. `rel=prefetch` is the lowest priority, and the
    /// browser keeps the files for the next page. Their names come from the shell
    /// (`scripts/app-assets.mjs`); a build without them prefetches nothing.
    fn prefetch_app(&self) {
        let Some(document) = self.window.document() else {
            return;
        };
        let assets = document
            .query_selector(r#"meta[name="app-assets"]"#)
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default();
        let Some(head) = document.query_selector("head").ok().flatten() else {
            return;
        };
        for asset in assets.split_whitespace() {
            let Ok(link) = document.create_element("link") else {
                return;
            };
            let _ = link.set_attribute("rel", "prefetch");
            let _ = link.set_attribute("href", asset);
            // The app's shell asks for its script and WASM with CORS (`crossorigin`): the same
            // mode here, so the cached copy is the one it takes.
            if !asset.ends_with(".css") {
                let _ = link.set_attribute("crossorigin", "anonymous");
            }
            let _ = head.append_child(&link);
        }
    }

    /// Loads the full app where the visitor belongs: the callback if it is a same-site path,
    /// else their dashboard.
    fn leave(&self, session: &Session) {
        let target = self
            .callback()
            .as_deref()
            .and_then(safe_callback)
            .map_or_else(|| session.user.role.home().to_owned(), str::to_owned);
        let _ = self.window.location().replace(&target);
    }

    fn callback(&self) -> Option<String> {
        let search = self.window.location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get("callbackUrl")
    }

    fn submit(page: Rc<Self>) {
        if page.pending.get() {
            return;
        }
        page.message.set_text_content(None);
        // The same rules the server applies, before anything is sent.
        let email = page.email.value();
        let password = page.password.value();
        let keep = page.keep_signed_in.checked();
        let email_check = Email::validate(&email).err();
        let password_check = Password::parse(&password).err();
        let focus_on = match (&email_check, &password_check) {
            (Some(_), _) => Some(&page.email),
            (None, Some(_)) => Some(&page.password),
            (None, None) => None,
        };
        set_error(&page.email, &page.email_error, email_check.as_ref());
        set_error(
            &page.password,
            &page.password_error,
            password_check.as_ref(),
        );
        if let Some(input) = focus_on {
            let _ = input.focus();
            return;
        }

        page.set_pending(true);
        page.generation.set(page.generation.get().wrapping_add(1));
        wasm_bindgen_futures::spawn_local(async move {
            match sign_in(email, password, Some(keep)).await {
                Ok(SignInAnswer::Session(live)) => page.signed_in(live),
                Ok(SignInAnswer::CodeRequired(_)) => {
                    page.set_pending(false);
                    page.password.set_value("");
                    page.card.set_hidden(true);
                    page.code.card.set_hidden(false);
                    page.code.set_recovery(false, &page.words);
                }
                Err(error) => {
                    page.show_server_error(&error);
                    page.password.set_value("");
                    page.set_pending(false);
                    let _ = page.password.focus();
                    if page.recheck.replace(false) {
                        Self::check_session(page);
                    }
                }
            }
        });
    }

    /// A session: the browser's shared record of its token, as the app keeps it (the app about
    /// to load then knows the token is fresh: `dashboard::early`), the other tabs told, and off
    /// to the app.
    fn signed_in(&self, LiveSession { session, clock }: LiveSession) {
        activity::note_new_token(js_sys::Date::parse(&clock.token_expires));
        if let Some(tabs) = self.tabs.get() {
            tabs.post(TabEvent::SignedIn);
        }
        self.leave(&session);
    }

    fn submit_code(page: Rc<Self>) {
        if page.pending.get() {
            return;
        }
        let typed = page.code.input.value();
        if typed.trim().is_empty() {
            let empty = ApiError::invalid("code", page.words.get("signin.enter_code"));
            set_error(&page.code.input, &page.code.error, Some(&empty));
            let _ = page.code.input.focus();
            return;
        }
        page.pending.set(true);
        page.code.set_pending(true, &page.words);
        page.generation.set(page.generation.get().wrapping_add(1));
        wasm_bindgen_futures::spawn_local(async move {
            let answer = verify_code(typed).await;
            page.pending.set(false);
            page.code.set_pending(false, &page.words);
            match answer {
                Ok(CodeSignIn {
                    live,
                    recovery_codes_left,
                }) => {
                    if let Some(left) = recovery_codes_left {
                        crate::session::recovery_notice::note(left);
                    }
                    page.signed_in(live);
                }
                // The challenge is over: back to the password, saying why.
                Err(error) if error.error == ErrorCode::SignInExpired => {
                    page.back_to_password(Some(&error.message));
                }
                Err(error) => {
                    match error.field.as_deref() {
                        Some("code") => set_error(&page.code.input, &page.code.error, Some(&error)),
                        _ => page.code.message.set_text_content(Some(&error.message)),
                    }
                    page.code.input.set_value("");
                    let _ = page.code.input.focus();
                }
            }
        });
    }

    fn back_to_password(&self, why: Option<&str>) {
        self.code.card.set_hidden(true);
        self.card.set_hidden(false);
        self.message.set_text_content(why);
        let _ = self.password.focus();
    }

    fn show_server_error(&self, error: &ApiError) {
        match error.field.as_deref() {
            Some("email") => set_error(&self.email, &self.email_error, Some(error)),
            Some("password") => set_error(&self.password, &self.password_error, Some(error)),
            _ => self.message.set_text_content(Some(&error.message)),
        }
    }

    fn set_pending(&self, pending: bool) {
        self.pending.set(pending);
        self.submit.set_disabled(pending);
        let _ = self
            .submit
            .set_attribute("aria-busy", if pending { "true" } else { "false" });
        self.spinner.set_hidden(!pending);
        self.say(
            &self.label,
            if pending {
                "signin.submitting"
            } else {
                "signin.submit"
            },
        );
    }

    fn toggle_password(&self) {
        let show = self.password.type_() == "password";
        self.password
            .set_type(if show { "text" } else { "password" });
        self.say(
            &self.toggle,
            if show { "signin.hide" } else { "signin.show" },
        );
    }

    /// Shows the word for `key` in `element`, and keeps the key there for a language switch.
    fn say(&self, element: &Element, key: &str) {
        let _ = element.set_attribute("data-t", key);
        element.set_text_content(Some(&self.words.get(key)));
    }
}

fn by_id<T: JsCast>(document: &Document, id: &str) -> Option<T> {
    document.get_element_by_id(id)?.dyn_into().ok()
}

/// Shows (or clears) a field's message, and marks the field for assistive technology.
fn set_error(input: &HtmlInputElement, slot: &Element, error: Option<&ApiError>) {
    let _ = input.set_attribute(
        "aria-invalid",
        if error.is_some() { "true" } else { "false" },
    );
    slot.set_text_content(error.map(|e| e.message.as_str()));
}

/// Adds a listener for the page's lifetime.
fn listen(target: &web_sys::EventTarget, event: &str, handler: impl Fn(web_sys::Event) + 'static) {
    let handler = Closure::<dyn Fn(web_sys::Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    // The page never removes its listeners: they live exactly as long as the document.
    handler.forget();
}
