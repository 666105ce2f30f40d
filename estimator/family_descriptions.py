"""What each model family is, in words and formulas: one place for its name and title, the kind of
data it is for, its link and inverse link (TeX for the slides, plain text for the terminal), the
residual variance on the latent scale that the ICC uses, the lme4 / glmmTMB / brms calls that fit
the same model (filled with the fitted model's formula), and its guide text.

The CLI's option lists, the scenario checks, the summary's family line and the scenes all read
it, so the families and their texts are written once. It is pure text: importing it imports no
numpy or scipy (the CLI reads it before it knows whether it will fit anything), which is why it
sits beside `estimator/families/` rather than inside that package (whose import loads scipy).
The keys are the family names `estimator.families.get_family` takes.
"""
from __future__ import annotations

from dataclasses import dataclass

from estimator.errors import InputError
from estimator.rsyntax import r_name


@dataclass(frozen=True)
class FamilyDescription:
    """One family in words. The R family arguments (`lme4_family`: None for lmer, and those of
    glmmTMB and brms) make the call templates (`lme4_template`, ...), whose `{formula}` (the
    model's formula, its response rewritten for binomial trials) and `{data}` are filled by
    `lme4_call` and the others.

    latent_variance_*: the residual variance on the link (latent) scale in the ICC's
    denominator, tau0^2 / (tau0^2 + that), with `latent_variance_note` saying where it comes from
    and `latent_variance_words` naming it on screen; `latent_scale_words` names that scale.
    mean_bounds: the range the mean can take on the response scale (None: unbounded), so plots
    of the response never show impossible values (a count below 0, a probability above 1).
    """

    name: str
    label: str
    title: str
    r_family: str
    data_kind: str
    data_detail: str
    link: str
    eta_meaning: str
    link_tex: str
    link_plain: str
    inverse_tex: str
    inverse_plain: str
    latent_variance_tex: str
    latent_variance_plain: str
    latent_variance_note: str
    latent_variance_words: str
    latent_scale_words: str
    lme4_family: str | None
    glmmtmb_family: str
    brms_family: str
    reference_fitter: str
    mean_bounds: tuple[float | None, float | None]
    guide: str

    @property
    def is_glmm(self) -> bool:
        return self.name != "gaussian"

    @property
    def lme4_template(self) -> str:
        if self.lme4_family is None:
            return "lmer({formula}, data = {data})"
        return "glmer({formula}, data = {data}, family = " + self.lme4_family + ")"

    @property
    def glmmtmb_template(self) -> str:
        return "glmmTMB({formula}, data = {data}, family = " + self.glmmtmb_family + ")"

    @property
    def brms_template(self) -> str:
        return "brm({formula}, data = {data}, family = " + self.brms_family + ")"

    @property
    def icc_tex(self) -> str:
        return (r"\mathrm{ICC} = \frac{\hat\tau_0^2}{\hat\tau_0^2 + "
                + self.latent_variance_tex + "}")

    @property
    def icc_plain(self) -> str:
        return f"tau0^2 / (tau0^2 + {self.latent_variance_plain})"

    def lme4_call(self, formula: str, trials: str | None = None, data: str = "d") -> str:
        return self.lme4_template.format(formula=r_formula(formula, trials), data=data)

    def glmmtmb_call(self, formula: str, trials: str | None = None, data: str = "d") -> str:
        return self.glmmtmb_template.format(formula=r_formula(formula, trials), data=data)

    def brms_call(self, formula: str, trials: str | None = None, data: str = "d") -> str:
        template = self.brms_template
        if trials:  # successes out of n trials: brms's binomial, not the 0/1 bernoulli
            template = template.replace("bernoulli()", "binomial()")
        return template.format(formula=brms_formula(formula, trials), data=data)

    def reference_call(self, formula: str, trials: str | None = None, data: str = "d") -> str:
        """The R call whose answers this project's estimator reproduces (lme4's, or glmmTMB's
        for the Gamma GLMM, whose shape it estimates jointly as glmmTMB does)."""
        if self.reference_fitter == "glmmTMB":
            return self.glmmtmb_call(formula, trials, data)
        return self.lme4_call(formula, trials, data)


def _split(formula: str) -> tuple[str, str]:
    response, tilde, rhs = formula.partition("~")
    if not tilde:
        raise InputError(f"formula '{formula}' has no '~': write it as 'y ~ x + (1 | g)'")
    return response.strip(), rhs.strip()


def r_formula(formula: str, trials: str | None = None) -> str:
    """The formula as lme4 and glmmTMB take it: successes out of a trials column become
    cbind(successes, trials - successes), as glmer wants a binomial count response."""
    if not trials:
        return formula.strip()
    response, rhs = _split(formula)
    n = r_name(trials)
    return f"cbind({response}, {n} - {response}) ~ {rhs}"


def brms_formula(formula: str, trials: str | None = None) -> str:
    """The formula as brms takes it: a binomial count response is `y | trials(n)`."""
    if not trials:
        return formula.strip()
    response, rhs = _split(formula)
    return f"{response} | trials({r_name(trials)}) ~ {rhs}"


_NAKAGAWA = "Nakagawa, Johnson & Schielzeth 2017"

DESCRIPTIONS: dict[str, FamilyDescription] = {d.name: d for d in (
    FamilyDescription(
        name="gaussian", label="Gaussian", title="Gaussian LMM", r_family="gaussian",
        data_kind="continuous values", data_detail="Continuous, symmetric values",
        link="identity", eta_meaning="mean",
        link_tex=r"\mu_{ij} = \eta_{ij}", link_plain="mu = eta",
        inverse_tex=r"\mu_{ij} = \eta_{ij}", inverse_plain="mu = eta",
        latent_variance_tex=r"\hat\sigma^2", latent_variance_plain="sigma^2",
        latent_variance_note="the residual variance itself: the outcome's own scale is the latent one",
        latent_variance_words="the residual variance σ̂²", latent_scale_words="the outcome's scale",
        lme4_family=None, glmmtmb_family="gaussian", brms_family="gaussian()",
        reference_fitter="lme4", mean_bounds=(None, None),
        guide=("Gaussian: continuous outcomes with roughly symmetric, constant spread around each "
               "group's line take the identity link, so effects add on the outcome's own scale.")),
    FamilyDescription(
        name="poisson", label="Poisson", title="Poisson GLMM", r_family="poisson",
        data_kind="counts", data_detail="Counts 0, 1, 2, ...",
        link="log", eta_meaning="log expected count",
        link_tex=r"\log(\mu_{ij}) = \eta_{ij}", link_plain="log(mu) = eta",
        inverse_tex=r"\mu_{ij} = e^{\eta_{ij}}", inverse_plain="mu = exp(eta)",
        latent_variance_tex=r"\log(1 + 1/\hat\mu)", latent_variance_plain="log(1 + 1/mu)",
        latent_variance_note=("the lognormal approximation at the mean count "
                              f"mu = exp(fixed intercept) ({_NAKAGAWA})"),
        latent_variance_words="log(1 + 1/μ̂), μ̂ = exp(γ̂₀₀): lognormal approximation",
        latent_scale_words="the latent log-rate scale",
        lme4_family="poisson", glmmtmb_family="poisson", brms_family="poisson()",
        reference_fitter="lme4", mean_bounds=(0.0, None),
        guide=("Poisson: counts of events per unit or period take the log link, which keeps the "
               "expected count positive and makes effects rate ratios; units observed for "
               "different times need offset(log(time)).")),
    FamilyDescription(
        name="binomial", label="Logistic", title="Logistic GLMM", r_family="binomial",
        data_kind="0/1 outcomes or successes out of n trials", data_detail="Binary outcomes 0/1",
        link="logit", eta_meaning="log odds",
        link_tex=r"\log\frac{p_{ij}}{1 - p_{ij}} = \eta_{ij}", link_plain="log(p / (1 - p)) = eta",
        inverse_tex=r"p_{ij} = \frac{1}{1 + e^{-\eta_{ij}}}", inverse_plain="p = 1 / (1 + exp(-eta))",
        latent_variance_tex=r"\pi^2/3", latent_variance_plain="pi^2/3",
        latent_variance_note=("the variance of the standard logistic distribution, the "
                              "latent-variable scale of the logit link (pi^2/3 = 3.29)"),
        latent_variance_words="π²/3, the variance of the logistic distribution (logit link)",
        latent_scale_words="the latent log-odds scale",
        lme4_family="binomial", glmmtmb_family="binomial", brms_family="bernoulli()",
        reference_fitter="lme4", mean_bounds=(0.0, 1.0),
        guide=("Logistic: yes/no outcomes, or successes out of n trials, take the logit link, which "
               "keeps each probability between 0 and 1 and makes effects odds ratios.")),
    FamilyDescription(
        name="gamma", label="Gamma", title="Gamma GLMM", r_family="Gamma",
        data_kind="positive, skewed values", data_detail="Positive, right-skewed values",
        link="log", eta_meaning="log mean",
        link_tex=r"\log(\mu_{ij}) = \eta_{ij}", link_plain="log(mu) = eta",
        inverse_tex=r"\mu_{ij} = e^{\eta_{ij}}", inverse_plain="mu = exp(eta)",
        latent_variance_tex=r"\log(1 + 1/\hat\nu)", latent_variance_plain="log(1 + 1/shape)",
        latent_variance_note=("the lognormal approximation with the fitted shape nu "
                              f"({_NAKAGAWA}); trigamma(shape), the exact variance of log y, "
                              "is the alternative and is not used"),
        latent_variance_words="log(1 + 1/ν̂), ν̂ the Gamma shape: lognormal approximation",
        latent_scale_words="the latent log scale",
        lme4_family='Gamma(link = "log")', glmmtmb_family='Gamma(link = "log")',
        brms_family='Gamma(link = "log")',
        reference_fitter="glmmTMB", mean_bounds=(0.0, None),
        guide=("Gamma: positive, right-skewed values (times, costs, concentrations) whose spread grows "
               "with the mean take the log link, which makes effects multiplicative; the "
               "coefficient of variation 1/√shape is the same at every mean.")),
)}

FAMILY_NAMES: tuple[str, ...] = tuple(DESCRIPTIONS)
GLMM_FAMILY_NAMES: tuple[str, ...] = tuple(n for n, d in DESCRIPTIONS.items() if d.is_glmm)


def describe_family(name: str) -> FamilyDescription:
    """The description of family `name` (any case); an unknown name is a one-line InputError."""
    try:
        return DESCRIPTIONS[str(name).lower()]
    except KeyError:
        raise InputError(f"family '{name}' is unknown: use {family_list()}") from None


def family_list(names=FAMILY_NAMES, last: str = "or") -> str:
    """'gaussian, poisson, binomial or gamma': the names as a user types them, in one phrase."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def family_help() -> str:
    """Which family for which data, for an option's help: 'gaussian: continuous values; ...'."""
    return "; ".join(f"{d.name}: {d.data_kind}" for d in DESCRIPTIONS.values())
