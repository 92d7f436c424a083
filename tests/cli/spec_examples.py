"""The tako.yml files of REFERENCE.md Appendix A and B, verbatim, shared by the CLI suites."""

APPENDIX_A = """\
version: "1"
metadata: {name: my-org/greeter}
workflows:
  greet:
    inputs:
      name:  {type: string, default: World}
      shout: {type: boolean, default: false}
      fail:  {type: boolean, default: false}
    steps:
      - id: compose
        run: echo "Hello, {{ .inputs.name }}!"
        produces: {outputs: {greeting: from_stdout}}
      - id: shout
        if: inputs.shout
        run: echo {{ .steps.compose.outputs.greeting | upper | shell_quote }}
      - id: publish
        run: |
          echo "publishing {{ .steps.compose.greeting | shell_quote }}"
          echo "published_by=$TAKO_RUN_ID" >> "$TAKO_OUTPUT"
          test "{{ .inputs.fail }}" != "true"
        produces: {outputs: {published_by: "from_env:published_by"}}
        on_failure:
          - id: cleanup
            run: echo "cleaning up after $TAKO_FAILED_STEP"
"""

APPENDIX_B_GO_LIB = """\
version: "1"
metadata: {name: my-org/go-lib}
artifacts:
  go-lib: {path: ./go.mod, ecosystem: go}
events:
  produces:
    - type: library_built
      schema_version: 1.4.0
      payload: {version: {type: string, required: true}}
workflows:
  release:
    inputs: {version: {type: string, required: true}}
    steps:
      - id: build
        run: echo "{{ .inputs.version }}" > VERSION && echo "built go-lib {{ .inputs.version }}"
        produces:
          artifact: go-lib
          outputs:
            version: from_file:VERSION
          events:
            - {type: library_built, schema_version: 1.4.0, payload: {version: "{{ .outputs.version }}"}}
      - id: notify_dependents
        uses: tako/fan-out@v1
        with:
          event_type: library_built
          wait_for_children: true
          timeout: 30m
      - id: finish
        run: echo "released {{ .steps.build.outputs.version }}"
"""

APPENDIX_B_APP_ONE = """\
version: "1"
metadata: {name: my-org/app-one}
subscriptions:
  - artifact: my-org/go-lib:go-lib
    events: [library_built]
    schema_version: ^1.0.0
    filters:
      - has(payload.version)
      - semver.major(event.payload.version) >= 1
    workflow: integration_test
    inputs: {lib_version: "{{ .event.payload.version }}"}
workflows:
  integration_test:
    inputs: {lib_version: {type: string, required: true}}
    steps:
      - id: run_tests
        run: echo "testing app-one against go-lib {{ .inputs.lib_version }}"
      - id: announce
        uses: tako/fan-out@v1
        with:
          event_type: app_released
          payload: {lib_version: "{{ .inputs.lib_version }}"}
          wait_for_children: true
"""

APPENDIX_B_APP_TWO = """\
version: "1"
metadata: {name: my-org/app-two}
events:
  subscriptions:
    - artifact: my-org/go-lib:go-lib
      events:
        - {type: library_built, schema_version: "(1.1.0...2.0.0]"}
      filter: payload.version.startsWith("2.")
      workflow: upgrade
      inputs: {lib_version: "{{ .payload.version }}"}
    - artifact: my-org/app-one:*
      events: [app_released]
      workflow: deploy
      inputs: {lib_version: "{{ .payload.lib_version }}"}
workflows:
  upgrade:
    inputs: {lib_version: {type: string, required: true}}
    steps:
      - run: echo "major upgrade to {{ .inputs.lib_version }}"
  deploy:
    inputs: {lib_version: {type: string, required: true}}
    steps:
      - id: deploy
        run: echo "app-two deployed with go-lib {{ .inputs.lib_version }}" > deployed.txt
"""
