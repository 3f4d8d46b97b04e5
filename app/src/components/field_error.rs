//! The one way a form shows what is wrong with it: `FormErrors` holds the errors (the
//! browser's own checks or the server's answer, as `ApiError`s with their `field`),
//! `FieldError` shows the one for a field under it, and `FormErrors::form_message` the rest.

use leptos::prelude::*;

use crate::{
    error::ApiError,
    i18n::{t_string, use_i18n},
};

/// What is wrong with a form, at most one message per field. Cheap to copy.
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: RwSignal<Vec<ApiError>>,
    /// The fields the form shows a message under; an error for any other is the form's own.
    fields: &'static [&'static str],
}

impl FormErrors {
    /// No errors yet, for a form that shows messages under `fields`.
    pub fn new(fields: &'static [&'static str]) -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            fields,
        }
    }

    /// Replaces the errors shown.
    pub fn set(self, errors: impl IntoIterator<Item = ApiError>) {
        self.errors.set(errors.into_iter().collect());
    }

    /// A submit's check: shows `found` and, when anything is wrong, moves the focus to the
    /// first marked field. Whether the submit must stop there.
    pub fn refused(
        self,
        found: impl IntoIterator<Item = ApiError>,
        ev: &leptos::ev::SubmitEvent,
    ) -> bool {
        self.set(found);
        let refused = !self.is_empty_untracked();
        if refused {
            focus_first_invalid(ev);
        }
        refused
    }

    /// Shows nothing wrong.
    pub fn clear(self) {
        self.errors.set(Vec::new());
    }

    /// Clears the message under `field` (the reader is changing it).
    pub fn clear_field(self, field: &str) {
        self.errors
            .update(|errors| errors.retain(|e| e.field.as_deref() != Some(field)));
    }

    /// Whether nothing is wrong, without tracking.
    pub fn is_empty_untracked(self) -> bool {
        self.errors.with_untracked(Vec::is_empty)
    }

    /// Whether `field` has a message (for its `aria-invalid`). Tracked.
    pub fn has(self, field: &str) -> bool {
        self.errors
            .with(|errors| errors.iter().any(|e| e.field.as_deref() == Some(field)))
    }

    /// The message under `field`. Tracked.
    pub fn message(self, field: &str) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field.as_deref() == Some(field))
                .map(|e| e.message.clone())
        })
    }

    /// How many of its fields the form marks. Tracked.
    pub fn field_count(self) -> usize {
        let fields = self.fields;
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| e.field.as_deref().is_some_and(|f| fields.contains(&f)))
                .count()
        })
    }

    /// The message about the form as a whole: an error for no field it shows. Tracked.
    pub fn form_message(self) -> Option<String> {
        let fields = self.fields;
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field.as_deref().is_none_or(|f| !fields.contains(&f)))
                .map(|e| e.message.clone())
        })
    }
}

/// The message under a form field, when `errors` has one for `field`.
#[component]
pub fn FieldError(
    errors: FormErrors,
    field: &'static str,
    /// The element's id, for the input's `aria-describedby`.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(optional)] test_id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p id=id class="field-error" data-testid=test_id>
            {move || errors.message(field)}
        </p>
    }
}

/// The line under a form that sums it up for everyone, and is announced: the form's own error,
/// else how many fields are marked.
#[component]
pub fn FormSummary(errors: FormErrors) -> impl IntoView {
    let i18n = use_i18n();
    let said = move || {
        errors
            .form_message()
            .or_else(|| match errors.field_count() {
                0 => None,
                1 => Some(t_string!(i18n, common.form_check_1).to_owned()),
                n => Some(t_string!(i18n, common.form_check, count = n)),
            })
    };
    view! {
        <p class="form-message" role="alert" data-testid="form-summary">
            {said}
        </p>
    }
}

/// A text field of a form: its label, the input (`aria-invalid` while `errors` marks it,
/// described by its message and its hint), the hint before any attempt, the message under it.
#[component]
pub fn TextField(
    /// The field's name in `errors`, and its input's id after `id_prefix`.
    field: &'static str,
    #[prop(optional)] id_prefix: &'static str,
    label: fn(crate::i18n::Locale) -> &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    /// `text`, `email`, `password`.
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Said under the field from the start (the rules a value must follow).
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{id_prefix}{field}");
    let (error_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    let described = if hint.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(i18n.get_locale())}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                prop:value=value
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    errors.clear_field(field);
                }
                aria-invalid=move || errors.has(field).to_string()
                aria-describedby=described
            />
            {hint
                .map(|hint| {
                    view! {
                        <p id=hint_id class="field-hint">
                            {hint}
                        </p>
                    }
                })}
            <FieldError errors field id=error_id />
        </div>
    }
}

/// After a refused submit: the first marked field of the form takes the focus (once the marks
/// are drawn), so the reader starts where the form needs them.
fn focus_first_invalid(ev: &leptos::ev::SubmitEvent) {
    use wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    request_animation_frame(move || {
        if let Ok(Some(first)) = form.query_selector("[aria-invalid=\"true\"]")
            && let Ok(input) = first.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = input.focus();
        }
    });
}
