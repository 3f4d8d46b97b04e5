use leptos::prelude::*;

use super::Skeleton;
use crate::{
    error::{ApiError, ErrorCode},
    i18n::{t, use_i18n},
};

/// A server answer a page waits for: the skeleton meanwhile, then `children` of the value, or
/// the error's message (announced to assistive technology).
#[component]
pub fn Answer<T, V, F>(
    /// The resource holding the answer of a server function.
    answer: LocalResource<Result<T, ApiError>>,
    /// What to show for the value.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| {
            view! { <Skeleton /> }
        }>
            {move || {
                answer
                    .get()
                    .map(|result| match result {
                        Ok(value) => children(value).into_any(),
                        Err(error) if error.error == ErrorCode::Unavailable => {
                            // The server out of reach: asking again may well work.
                            view! {
                                <div class="error-box" role="alert">
                                    <p>{error.message}</p>
                                    <button
                                        type="button"
                                        class="button secondary"
                                        data-testid="retry"
                                        on:click=move |_| answer.refetch()
                                    >
                                        {t!(i18n, common.retry)}
                                    </button>
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => {
                            view! {
                                <p class="error-box" role="alert">
                                    {error.message}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}
