// The walkthrough (package.json contributes.walkthroughs, VS Code's Getting Started): opened once, on the
// first activation after the install, and never again unasked (remembered in global state); **Get
// Started** opens it at any time. In Test mode (the integration tests) activation does not open it unless
// a test asks, through the probe (firstRunProbe), which runs the same code as activation.
import * as vscode from 'vscode';

/** The walkthrough's id in package.json; VS Code's full id is `<publisher>.<name>#<id>`. */
export const WALKTHROUGH_ID = 'gettingStarted';
const SHOWN_KEY = 'haBackups.walkthroughShown';

export type FirstRunOutcome = 'opened' | 'alreadyShown' | 'testMode';

export class FirstRun {
  /** What each activation decided, in order (read by the test probe). */
  readonly outcomes: FirstRunOutcome[] = [];
  /** Every walkthrough the extension asked VS Code to open (read by the test probe). */
  readonly opened: string[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly state: vscode.Memento,
  ) {}

  get walkthrough(): string {
    return `${this.context.extension.id}#${WALKTHROUGH_ID}`;
  }

  /** Opens the walkthrough in the editor area (Get Started, and the first activation). */
  async open(): Promise<void> {
    this.opened.push(this.walkthrough);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', this.walkthrough, false);
  }

  /**
   * On activation: the first time ever, remembers that it did and opens the walkthrough (without waiting
   * for it); afterwards nothing. In Test mode nothing unless `allowInTestMode`.
   */
  async onActivation(options: { allowInTestMode?: boolean } = {}): Promise<FirstRunOutcome> {
    const outcome = await this.decide(options);
    this.outcomes.push(outcome);
    return outcome;
  }

  private async decide({ allowInTestMode = false }: { allowInTestMode?: boolean }): Promise<FirstRunOutcome> {
    if (this.state.get<boolean>(SHOWN_KEY)) return 'alreadyShown';
    if (this.context.extensionMode === vscode.ExtensionMode.Test && !allowInTestMode) return 'testMode';
    // Remembered first: a walkthrough that fails to open is not tried again on every start.
    await this.state.update(SHOWN_KEY, true);
    void this.open().catch(() => undefined);
    return 'opened';
  }

  /** Forgets that the walkthrough was shown (tests only: the next activation opens it again). */
  async forget(): Promise<void> {
    await this.state.update(SHOWN_KEY, undefined);
  }
}

/** What the integration tests see of the first run (exported by activate() in Test mode only). */
export interface FirstRunProbe {
  firstRun: {
    walkthrough: string;
    outcomes: () => FirstRunOutcome[];
    opened: () => string[];
    /** Runs what activation runs, as the first activation after an install would when `allowInTestMode`. */
    activateAgain: (options: { allowInTestMode?: boolean }) => Promise<FirstRunOutcome>;
    forget: () => Promise<void>;
  };
}

export function firstRunProbe(firstRun: FirstRun): FirstRunProbe {
  return {
    firstRun: {
      walkthrough: firstRun.walkthrough,
      outcomes: () => [...firstRun.outcomes],
      opened: () => [...firstRun.opened],
      activateAgain: (options) => firstRun.onActivation(options),
      forget: () => firstRun.forget(),
    },
  };
}
