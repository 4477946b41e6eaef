"""The service deployment journey: create a component from a template, deploy it,
follow the job to its outcome, and see the service healthy."""

from __future__ import annotations

from playwright.sync_api import BrowserContext

from journeys.login import sign_in
from journeys.pages import CatalogPage, DeploymentPage
from journeys.result import JourneyResult, StepRecorder, run_steps
from journeys.target import JourneyTarget
from journeys.template_creation import create_component


def service_deployment_journey(context: BrowserContext, target: JourneyTarget) -> JourneyResult:
    page = context.new_page()  # the browser's preparation, not the journey's time
    recorder = StepRecorder("service-deployment")
    with run_steps(recorder):
        with recorder.step("sign in"):
            sign_in(page, target)
        with recorder.step("create component from template"):
            create_component(CatalogPage(page, target.base_url, target.pack), target)
        deployment = DeploymentPage(page, target.base_url, target.pack)
        with recorder.step("start deployment"):
            deployment.deploy()
        with recorder.step("follow deployment to its outcome"):
            deployment.await_outcome()
        with recorder.step("see service healthy"):
            deployment.health()
    return recorder.result()
