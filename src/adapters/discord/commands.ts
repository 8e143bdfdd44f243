/** The slash commands, and their registration (guild: instant, for testing; global: for production). */
import { ChannelType, REST, Routes, SlashCommandBuilder } from "discord.js";

export const SLASH_COMMANDS = [
  new SlashCommandBuilder()
    .setName("recommend")
    .setDescription("Recommend games from what you like")
    .addStringOption((o) =>
      o.setName("query").setDescription("e.g. cozy farming games, or: I loved Halo 3").setRequired(true).setMaxLength(500),
    ),
  new SlashCommandBuilder()
    .setName("similar")
    .setDescription("Games similar to one you name")
    .addStringOption((o) =>
      o.setName("game").setDescription("Start typing a title").setRequired(true).setAutocomplete(true).setMaxLength(200),
    ),
  new SlashCommandBuilder().setName("bundle").setDescription("Suggest a name for the games recommended in this conversation"),
  new SlashCommandBuilder()
    .setName("reset")
    .setDescription("Forget this conversation (admins: or another channel's)")
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("Admins only: the channel or thread to reset")
        .addChannelTypes(ChannelType.GuildText, ChannelType.PublicThread, ChannelType.PrivateThread),
    ),
].map((c) => c.toJSON());

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Register in one guild (instant); omit for global commands (may take up to an hour to appear). */
  guildId?: string | undefined;
  apiUrl?: string | undefined;
}

export async function registerCommands({ token, applicationId, guildId, apiUrl }: RegisterOptions): Promise<number> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body: SLASH_COMMANDS })) as unknown[];
  return registered.length;
}
