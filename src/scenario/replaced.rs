//! Fields of earlier versions of format 1 that were replaced, and what to write instead. An old file
//! that still uses one gets the usual located "unknown field" error followed by this hint (see
//! [`super::de`]), so it never loads with a silently changed meaning.

/// The hint for a replaced field name, if `field` is one.
pub fn hint(field: &str) -> Option<&'static str> {
    Some(match field {
        "rationality" => {
            "`rationality` (a logit precision applied to utilities divided by the menu's largest |EU|) \
             was replaced by `temperature`, in utility units: options are chosen with probability \
             proportional to exp(EU / temperature). A rationality λ on menus whose largest |EU| is \
             about S corresponds to a temperature of about S / λ; write e.g. `temperature: 0.005`, or \
             leave it out to use `world.temperature` (docs/model.md 7.7)"
        }
        "trade_dividend" => {
            "`world.trade_dividend` (growth per unit of relative route-volume growth) was replaced by \
             the value of the traffic: write `value_per_tonne` (USD per tonne of goods) and \
             `capture: [(country: \"...\", share: ...)]` on each route, or `world.transit_capture` for \
             a region-wide share (docs/model.md 7.10)"
        }
        "tension_reduction" => {
            "`tension_reduction` (an absolute amount taken off tension) was replaced by \
             `tension_relief`, the share of the tension above `world.tension_baseline` that a mediator \
             of full standing removes in a month (diminishing returns); write e.g. \
             `tension_relief: 0.5` (docs/model.md 7.8.5)"
        }
        _ => return None,
    })
}
