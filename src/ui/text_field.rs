//! One labelled text field, written the same way by every form of the app (the prototype
//! editor, "Nous l'avons testé", "Ajouter un centre"): its label, an optional hint, the control,
//! and what is wrong with the value, tied together by ids for assistive technologies.

use leptos::prelude::*;

/// The control a text is typed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Input {
    /// One line.
    #[default]
    Line,
    /// Several lines, in a box this many rows high.
    Lines(u32),
    /// A web address.
    Url,
    /// A whole number, 0 or more.
    Count,
    /// A day.
    Date,
}

impl Input {
    /// The `type` of the `<input>` (none for a box of several lines).
    fn kind(self) -> &'static str {
        match self {
            Input::Line | Input::Lines(_) => "text",
            Input::Url => "url",
            Input::Count => "number",
            Input::Date => "date",
        }
    }
}

/// `<div class="field">`: label, hint (`{id}-aide`), control, message (`{id}-erreurs`).
#[component]
pub fn TextField(
    /// The control's id; the hint's and the message's ids derive from it.
    #[prop(into)]
    id: Signal<String>,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    /// Told the text on every keystroke.
    #[prop(into)]
    set: SignalSetter<String>,
    #[prop(optional)] input: Input,
    /// What to write, under the label; none when empty.
    #[prop(optional)]
    hint: &'static str,
    /// What is wrong with the value, said under the field (`None` while nothing is): giving it
    /// also makes the field say whether it is invalid.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// Whether the value is invalid, when what is wrong is said elsewhere (`described_by`).
    #[prop(optional, into)]
    invalid: Option<Signal<bool>>,
    /// The id of another element that explains the field (a list of problems).
    #[prop(optional)]
    described_by: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let described = move || {
        let id = id.get();
        let ids: Vec<String> = [
            (!hint.is_empty()).then(|| format!("{id}-aide")),
            error.map(|_| format!("{id}-erreurs")),
            described_by.map(str::to_owned),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let aria_invalid = move || {
        invalid
            .map(|i| i.get())
            .or_else(|| error.map(|e| e.with(Option::is_some)))
            .map(|i| i.to_string())
    };
    let on_input = move |ev| set.set(event_target_value(&ev));
    let control = match input {
        Input::Lines(rows) => view! {
            <textarea id=id rows=rows aria-describedby=described aria-invalid=aria_invalid required=required
                prop:value=value on:input=on_input></textarea>
        }
        .into_any(),
        _ => view! {
            <input id=id type=input.kind() min=(input == Input::Count).then_some("0")
                inputmode=(input == Input::Count).then_some("numeric")
                aria-describedby=described aria-invalid=aria_invalid required=required
                prop:value=value on:input=on_input/>
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=move || format!("{}-aide", id.get())>{hint}</p> })}
            {control}
            {error.map(|error| view! {
                <p class="field-error" id=move || format!("{}-erreurs", id.get())>{error}</p>
            })}
        </div>
    }
}
