"""A small curriculum with its Vietnamese translation, written into a folder for a test: one module
with two lessons (the second one left untranslated), a quiz of four kinds, a misconception and a lab."""

from pathlib import Path

ENGLISH = {
    "path.yaml": """\
slug: small-path
title: Small path
summary: A path for translation tests.
""",
    "misconceptions.yaml": """\
i18n-canary-is-backup: A canary is a backup copy rather than a small share of traffic.
""",
    "01-deploying/module.yaml": """\
slug: deploying
title: Deploying safely
summary: Release without fear.
order: 1
objectives:
  - Choose a deployment strategy.
  - Roll back a bad release.
published: true
""",
    "01-deploying/01-blue-green.md": """\
---
key: blue-green
slug: blue-green-deployments
title: Blue/green deployments
order: 1
reviewed: 2026-11-29
takeaways:
  - Two environments, one live.
  - Switch back to roll back.
---
## Two environments

Blue/green keeps two identical environments and switches traffic between them.

```yaml
strategy: blue-green
```
""",
    "01-deploying/02-canary.md": """\
---
key: canary
slug: canary-releases
title: Canary releases
order: 2
reviewed: 2026-11-29
---
## A small share first

A canary sends a small share of the traffic to the new version first.
""",
    "01-deploying/quiz.yaml": """\
title: Deploying safely quiz
pass_mark: 50
pools:
  - key: strategies
    title: Strategies
questions:
  - key: first-step
    kind: single
    pool: strategies
    prompt: What does a canary release do first?
    explanation: It sends a small share of the traffic to the new version.
    choices:
      - key: a
        text: It sends a small share of traffic to the new version.
        correct: true
        feedback: Right, a small share first.
      - key: b
        text: It copies the database.
        feedback: That is a backup, not a canary.
        misconception: i18n-canary-is-backup
  - key: strategy-name
    kind: short_text
    pool: strategies
    prompt: Which deployment keeps two identical environments?
    explanation: Blue/green keeps two environments and switches between them.
    choices:
      - key: a
        text: blue/green
        correct: true
      - key: b
        text: canary
        feedback: A canary shifts a share of traffic within one environment.
  - key: rate
    kind: numeric
    pool: strategies
    prompt: A team deploys {deploys} times in {days} days. How many deployments a day?
    explanation: "{deploys} / {days} = {answer}."
    unit: per day
    variants:
      - values: {deploys: 30, days: 10}
        answer: 3
      - values: {deploys: 48, days: 12}
        answer: 4
  - key: faulty
    kind: faulty_line
    pool: strategies
    prompt: Which line makes the deployment fail?
    explanation: The image tag does not exist.
    artifact: |
      step 1 ok
      image: app:missing
      step 3 ok
    lines:
      - line: 2
        correct: true
        feedback: This tag was never pushed.
""",
    "01-deploying/labs/tagged-image/lab.yaml": """\
title: Tag the base image
kind: dockerfile
checks:
  - key: base-image-tag
    title: The base image has a fixed tag
    tool: hadolint
    rules: [DL3006, DL3007]
    explanation: |
      Use an image with a version in its tag.
""",
    "01-deploying/labs/tagged-image/instructions.md": "## Your task\n\nGive the base image a fixed tag.\n",
    "01-deploying/labs/tagged-image/starter.Dockerfile": "FROM python:latest\n",
    "01-deploying/labs/tagged-image/solution.Dockerfile": "FROM python:3.12-slim\n",
}

VIETNAMESE = {
    "vi/path.yaml": """\
title: Lộ trình nhỏ
summary: Một lộ trình để kiểm thử bản dịch.
""",
    "vi/misconceptions.yaml": """\
i18n-canary-is-backup: Canary là một bản sao lưu chứ không phải một phần nhỏ lưu lượng.
""",
    "vi/01-deploying/module.yaml": """\
slug: deploying
title: Triển khai an toàn
summary: Phát hành không sợ hãi.
objectives:
  - Chọn một chiến lược triển khai.
  - Rollback một bản phát hành lỗi.
""",
    "vi/01-deploying/01-blue-green.md": """\
---
key: blue-green
title: Triển khai blue/green
takeaways:
  - Hai môi trường, một môi trường chạy thật.
  - Chuyển lại để rollback.
---
## Hai môi trường

Blue/green giữ hai môi trường giống hệt nhau và chuyển lưu lượng giữa chúng để triển khai.

```yaml
strategy: blue-green
```
""",
    "vi/01-deploying/quiz.yaml": """\
title: Bài kiểm tra triển khai an toàn
pools:
  - key: strategies
    title: Các chiến lược
questions:
  - key: first-step
    prompt: Canary release làm gì trước tiên?
    explanation: Nó gửi một phần nhỏ lưu lượng tới phiên bản mới.
    choices:
      - key: a
        text: Nó gửi một phần nhỏ lưu lượng tới phiên bản mới.
        feedback: Đúng, một phần nhỏ trước.
      - key: b
        text: Nó sao chép cơ sở dữ liệu.
        feedback: Đó là sao lưu, không phải canary.
  - key: strategy-name
    prompt: Kiểu triển khai nào giữ hai môi trường giống hệt nhau?
    explanation: Blue/green giữ hai môi trường và chuyển giữa chúng.
    choices:
      - key: b
        feedback: Canary chuyển một phần lưu lượng trong cùng một môi trường.
    accept:
      - triển khai xanh/lam
  - key: rate
    prompt: Một nhóm triển khai {deploys} lần trong {days} ngày. Mỗi ngày bao nhiêu lần?
    explanation: "{deploys} / {days} = {answer}."
    unit: mỗi ngày
""",
    "vi/01-deploying/labs/tagged-image/lab.yaml": """\
title: Gắn tag cho image nền
checks:
  - key: base-image-tag
    title: Image nền có tag cố định
    explanation: |
      Dùng một image có phiên bản trong tag.
""",
    "vi/01-deploying/labs/tagged-image/instructions.md": "## Nhiệm vụ\n\nGắn tag cố định cho image nền.\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def small_curriculum(root: Path, *, vietnamese: bool = True) -> Path:
    """The English files, and the Vietnamese ones unless told otherwise, under ``root``."""
    write(root, ENGLISH)
    if vietnamese:
        write(root, VIETNAMESE)
    return root
