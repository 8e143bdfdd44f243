/**
 * The application commands — slash commands and the "Find similar games" message menu — and their
 * registration (guild: instant, for testing; global: for production). Each declares where it can
 * be installed (`integration_types`) and used (`contexts`): with user installs on, people who add
 * sidbot to their account can use it in any DM, group DM or server.
 */
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  REST,
  Routes,
  SlashCommandBuilder,
  type RESTPutAPIApplicationCommandsJSONBody,
  type RESTPutAPIApplicationCommandsResult,
} from "discord.js";

/** The message context-menu command's name, as Discord shows it under Apps. */
export const FIND_SIMILAR_MENU = "Find similar games";

export interface CommandDeclarationOptions {
  /** Also installable to a person's account, usable in group DMs and DMs between people. @defaultValue true */
  userInstall?: boolean;
}

/** The commands as Discord's bulk-overwrite endpoint takes them. */
export function commandDeclarations({ userInstall = true }: CommandDeclarationOptions = {}): RESTPutAPIApplicationCommandsJSONBody {
  const integrations = userInstall
    ? [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall]
    : [ApplicationIntegrationType.GuildInstall];
  // Everywhere the install reaches; the bot's own DM works with either install.
  const everywhere = userInstall
    ? [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel]
    : [InteractionContextType.Guild, InteractionContextType.BotDM];
  return [
    new SlashCommandBuilder()
      .setName("recommend")
      .setDescription("Recommend games from what you like")
      .setIntegrationTypes(integrations)
      .setContexts(everywhere)
      .addStringOption((o) =>
        o.setName("query").setDescription("e.g. cozy farming games, or: I loved Halo 3").setRequired(true).setMaxLength(500),
      )
      .toJSON(),
    new SlashCommandBuilder()
      .setName("similar")
      .setDescription("Games similar to one you name")
      .setIntegrationTypes(integrations)
      .setContexts(everywhere)
      .addStringOption((o) =>
        o.setName("game").setDescription("Start typing a title").setRequired(true).setAutocomplete(true).setMaxLength(200),
      )
      .toJSON(),
    new SlashCommandBuilder()
      .setName("bundle")
      .setDescription("Suggest a name for the games recommended in this conversation")
      .setIntegrationTypes(integrations)
      .setContexts(everywhere)
      .toJSON(),
    // Forgetting your own conversation makes sense anywhere; the channel option lists only server channels.
    new SlashCommandBuilder()
      .setName("reset")
      .setDescription("Forget this conversation (admins: or another channel's)")
      .setIntegrationTypes(integrations)
      .setContexts(everywhere)
      .addChannelOption((o) =>
        o
          .setName("channel")
          .setDescription("Admins only: the channel or thread to reset")
          .addChannelTypes(ChannelType.GuildText, ChannelType.PublicThread, ChannelType.PrivateThread),
      )
      .toJSON(),
    new ContextMenuCommandBuilder()
      .setName(FIND_SIMILAR_MENU)
      .setType(ApplicationCommandType.Message)
      .setIntegrationTypes(integrations)
      .setContexts(everywhere)
      .toJSON(),
  ];
}

export interface RegisterOptions extends CommandDeclarationOptions {
  token: string;
  applicationId: string;
  /** Register in one guild (instant); omit for global commands (may take up to an hour to appear). */
  guildId?: string | undefined;
  apiUrl?: string | undefined;
}

/** Replaces the app's commands with {@link commandDeclarations}; resolves with how many Discord registered. */
export async function registerCommands({ token, applicationId, guildId, apiUrl, userInstall }: RegisterOptions): Promise<number> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const body = commandDeclarations(userInstall === undefined ? {} : { userInstall });
  const registered = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return registered.length;
}
